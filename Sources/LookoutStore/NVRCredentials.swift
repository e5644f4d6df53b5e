/// What the gateway needs to authenticate an NVR: its id, the stored token hash and the
/// connection version PostgreSQL holds (a new connection's version must exceed it).
public struct NVRCredentials: Sendable, Hashable {
    public var id: Int64
    public var hostname: String
    /// SHA-256 hex of the NVR's token (`SecretHash.sha256Hex`); nil when the NVR has no token
    /// (registered before tokens, or imported), which only hostname-only auth accepts.
    public var tokenHash: String?
    public var connectionVersion: Int64
    /// This NVR's agent may authenticate without a token (the old system's agents).
    public var hostnameOnlyAuth: Bool

    public init(id: Int64, hostname: String, tokenHash: String?, connectionVersion: Int64, hostnameOnlyAuth: Bool = false) {
        self.hostnameOnlyAuth = hostnameOnlyAuth
        self.id = id
        self.hostname = hostname
        self.tokenHash = tokenHash
        self.connectionVersion = connectionVersion
    }
}
