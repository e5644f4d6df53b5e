/// What one ``PostgresPresenceStore/apply(_:logger:)`` batch did.
///
/// Every event of the batch is counted once: `applied + ignored + unknown-hostname events`
/// equals the batch size.
public struct PresenceApplyResult: Sendable, Hashable {
    /// NVRs whose status or connection version changed, sorted: publish their new state.
    public var changedNVRIDs: [Int64]
    /// Events the fence applied.
    public var applied: Int
    /// Events the fence ignored (stale, repeated) and `seen` events (not presence changes).
    public var ignored: Int
    /// Hostnames with no NVR row, sorted, each once; their events were skipped.
    public var unknownHostnames: [String]

    public init(changedNVRIDs: [Int64] = [], applied: Int = 0, ignored: Int = 0, unknownHostnames: [String] = []) {
        self.changedNVRIDs = changedNVRIDs
        self.applied = applied
        self.ignored = ignored
        self.unknownHostnames = unknownHostnames
    }
}
