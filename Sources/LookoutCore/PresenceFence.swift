/// The fencing rule for presence events, as a pure function; the presence worker's SQL
/// implements the same rule, and tests check both.
///
/// Each connection of an NVR has a version, larger than all before it. Within one version the
/// life cycle only moves forward: connected, then disconnected, never back. So:
/// - `connected v` applies only when v is newer than the stored version;
/// - `disconnected v` applies when v is newer, or equal while the stored state is online.
/// A late `disconnected` of an old connection, or a redelivered `connected`, changes nothing.
/// A `handover` (a draining gateway sent the agent elsewhere) never changes the state: the
/// NVR stays online under its old version until its next `connected` (any order), or until the
/// sweeper expires its liveness.
public enum PresenceFence {
    public struct Stored: Sendable, Hashable {
        public var version: Int64
        public var status: DeviceStatus
        public init(version: Int64, status: DeviceStatus) {
            self.version = version
            self.status = status
        }
    }

    public enum Decision: Sendable, Hashable {
        case apply(Stored)
        case ignore
    }

    public static func decide(stored: Stored, event kind: PresenceEvent.Kind, version: Int64) -> Decision {
        switch kind {
        case .connected:
            return version > stored.version ? .apply(Stored(version: version, status: .online)) : .ignore
        case .disconnected:
            if version > stored.version || (version == stored.version && stored.status == .online) {
                return .apply(Stored(version: version, status: .offline))
            }
            return .ignore
        case .seen, .handover:
            return .ignore
        }
    }
}
