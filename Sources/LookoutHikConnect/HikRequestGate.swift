/// A caller's last word before a request leaves: a task-local check the transport runs after
/// the rate-limit slot is taken and right before the request is sent (token/get included).
/// When it answers false, nothing is sent and the call fails with `.cancelled`.
///
/// The renewal worker sets it to "do I still hold this job's lease?", so a worker that stalled
/// past its lease (paused, starved) makes no cloud call for a job another worker has taken.
///
/// ```swift
/// try await HikRequestGate.$check.withValue({ await stillHoldsLease() }) {
///     try await client.liveAddress(resourceId: id, deviceSerial: serial)
/// }
/// ```
public enum HikRequestGate {
    @TaskLocal public static var check: (@Sendable () async -> Bool)? = nil
}
