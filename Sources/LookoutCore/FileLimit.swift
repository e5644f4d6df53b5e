import Foundation

/// The open-file limit: a gateway holds one socket per NVR, a load generator one per agent.
public enum FileLimit {
    /// Raises the soft limit to `wanted` when allowed (root may raise the hard limit too), else
    /// to the hard limit. Returns the limit now in force; children inherit it.
    @discardableResult
    public static func raise(to wanted: UInt64 = 1_048_576) -> UInt64 {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        var raised = rlimit(rlim_cur: rlim_t(wanted), rlim_max: max(limit.rlim_max, rlim_t(wanted)))
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return wanted }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return UInt64(limit.rlim_cur)
    }
}
