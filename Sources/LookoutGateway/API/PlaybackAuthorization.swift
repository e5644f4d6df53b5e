import Foundation
import Logging
import LookoutCore
import LookoutStore

/// Issues playback credentials for `/api/camera/:id/live` and answers MediaMTX's HTTP auth
/// requests (`docs/architecture.md`, "Playback authorization"). Stateless apart from the
/// revocation check, so every gateway answers for every other.
struct PlaybackAuthorization: Sendable {
    /// What MediaMTX sends for every action (`internal/auth/manager.go`, `authenticateHTTP`).
    struct Request: Sendable {
        var action: String
        var path: String
        var query: String
        var token: String
        var password: String
        var ip: String
    }

    /// A credential and when it expires (Unix milliseconds).
    struct Issued: Sendable {
        let token: String
        let expiresAt: Int64
    }

    let signer: PlaybackSigner
    let tokenTTL: Duration
    let apiKeys: PostgresAPIKeyRepository

    init(settings: PlaybackSettings, apiKeys: PostgresAPIKeyRepository) {
        signer = PlaybackSigner(keys: settings.keys)
        tokenTTL = settings.tokenTTL
        self.apiKeys = apiKeys
    }

    /// A credential for `path`, issued to the API key (`subject`, its id) the request
    /// authenticated with.
    func issue(path: String, subject: Int64, now: Int64 = unixMillis()) throws(APIError) -> Issued {
        guard !signer.keys.isEmpty else { throw APIError.unavailable("playback is not configured on this gateway (LOOKOUT_PLAYBACK_KEYS)") }
        let expiresAt = now / 1000 + tokenTTL.components.seconds
        guard let token = signer.sign(path: path, subject: subject, expiresAt: expiresAt) else {
            throw APIError.unavailable("playback is not configured on this gateway (LOOKOUT_PLAYBACK_KEYS)")
        }
        return Issued(token: token, expiresAt: expiresAt * 1000)
    }

    /// Whether MediaMTX may let this request through: `read` and `playback` with a valid,
    /// unexpired credential for exactly that path whose API key is not revoked; `publish`,
    /// `api`, `metrics` and `pprof` only from loopback; nothing else. The reason goes to the
    /// log, never to the caller.
    func allows(_ request: Request, logger: Logger, now: Int64 = unixMillis()) async -> Bool {
        switch request.action {
        case "read", "playback":
            guard let token = Self.credential(in: request) else {
                logger.debug("Playback refused", metadata: ["lookout.playback.reason": "no credential", "lookout.playback.path": "\(request.path)"])
                return false
            }
            let credential: PlaybackSigner.Credential
            do {
                credential = try signer.verify(token, path: request.path, now: now / 1000)
            } catch {
                logger.notice("Playback refused", metadata: ["lookout.playback.reason": "\(error)", "lookout.playback.path": "\(request.path)"])
                return false
            }
            do {
                guard try await apiKeys.isActive(id: credential.subject) else {
                    logger.notice("Playback refused", metadata: ["lookout.playback.reason": "API key revoked", "lookout.playback.path": "\(request.path)"])
                    return false
                }
            } catch {
                logger.warning("Playback refused: the revocation check failed", metadata: ["lookout.store.error": "\(error)"])
                return false
            }
            return true
        case "publish", "api", "metrics", "pprof":
            return Self.isLoopback(request.ip)
        default:
            return false
        }
    }

    /// The credential: MediaMTX's `token` (a Bearer header), the password (Basic auth), or the
    /// `token` query parameter (what native HLS players and hls.js send).
    static func credential(in request: Request) -> String? {
        if !request.token.isEmpty { return request.token }
        if !request.password.isEmpty { return request.password }
        let values = URLComponents(string: "?" + request.query)?.queryItems?.filter { $0.name == "token" }.compactMap(\.value) ?? []
        guard values.count == 1, let value = values.first, !value.isEmpty else { return nil }
        return value
    }

    static func isLoopback(_ ip: String) -> Bool { IPNetwork.isLoopback(ip) }
}
