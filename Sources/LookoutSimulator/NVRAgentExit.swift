/// How one `NVRAgent.run()` ended: the close frame the gateway sent (or echoed), and how far
/// the connection got.
public struct NVRAgentExit: Sendable, Hashable, CustomStringConvertible {
    /// The close code from the gateway's close frame; `nil` when the connection dropped
    /// without one (network failure, gateway killed, close handshake timed out).
    public var closeCode: UInt16?
    /// The reason text of the close frame, if it had one.
    public var reason: String?
    /// Whether the gateway answered `auth` with `auth_ok` on this connection.
    public var authenticated: Bool
    /// The session id from `auth_ok`, if authenticated.
    public var session: String?

    public init(closeCode: UInt16?, reason: String?, authenticated: Bool, session: String?) {
        self.closeCode = closeCode
        self.reason = reason
        self.authenticated = authenticated
        self.session = session
    }

    public var description: String {
        let code = closeCode.map { "\($0)" } ?? "none"
        let text = reason.map { " (\($0))" } ?? ""
        return "close \(code)\(text), authenticated: \(authenticated)"
    }
}
