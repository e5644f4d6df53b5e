/// Why `runNVRFleet` could not start.
public enum SimulateNVRsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `count` must be at least 1.
    case invalidCount(Int)
    /// The churn rate must be a finite number ≥ 0.
    case invalidChurn(Double)
    case tokenFile(path: String, TokenFileError)
    /// The token file has fewer entries than agents were asked for.
    case notEnoughTokens(path: String, available: Int, needed: Int)

    public var description: String {
        switch self {
        case .invalidCount(let count): "the NVR count must be at least 1, not \(count)"
        case .invalidChurn(let churn): "the churn rate must be a number of agents per second ≥ 0, not \(churn)"
        case .tokenFile(let path, let error):
            error.line == nil ? "\(error)" : "token file \(path): \(error)"
        case .notEnoughTokens(let path, let available, let needed):
            "token file \(path) has \(available) NVRs, \(needed) needed"
        }
    }
}
