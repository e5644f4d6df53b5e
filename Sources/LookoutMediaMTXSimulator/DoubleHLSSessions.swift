import Foundation

/// The double's HLS sessions and request log, as MediaMTX v1.20's HLS server keeps them
/// (`internal/servers/hls/muxer.go`): created by an authorized multivariant-playlist request,
/// found by their secret (`?session=`) from the same client address, closed 30 s after their
/// last request.
public actor DoubleHLSSessions {
    struct Session {
        let path: String
        let ip: String
        var lastRequest: ContinuousClock.Instant
    }

    /// One HLS request as the double answered it (for tests).
    public struct Entry: Sendable, Equatable {
        public let file: String
        public let path: String
        /// The `token` query parameter, if any.
        public let token: String?
        public let status: Int
    }

    static let closeAfter: Duration = .seconds(30)

    private var sessions: [String: Session] = [:]
    private(set) var log: [Entry] = []
    var authHTTPAddress: String?

    init(authHTTPAddress: String?) {
        self.authHTTPAddress = authHTTPAddress
    }

    func setAuthHTTPAddress(_ address: String?) { authHTTPAddress = address }

    func record(_ entry: Entry) { log.append(entry) }

    func open(path: String, ip: String) -> String {
        expire()
        let secret = UUID().uuidString.lowercased()
        sessions[secret] = Session(path: path, ip: ip, lastRequest: .now)
        return secret
    }

    /// The session of `secret` when it serves `path` to `ip`; touches it.
    func find(secret: String, path: String, ip: String) -> Bool {
        expire()
        guard var session = sessions[secret], session.path == path, session.ip == ip else { return false }
        session.lastRequest = .now
        sessions[secret] = session
        return true
    }

    private func expire() {
        let now = ContinuousClock.now
        sessions = sessions.filter { now - $0.value.lastRequest < Self.closeAfter }
    }
}
