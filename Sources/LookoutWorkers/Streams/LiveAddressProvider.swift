public import LookoutStore

/// Where renewals get fresh stream URLs: Hik-Connect in production, a twin in unit tests.
public protocol LiveAddressProvider: Sendable {
    /// A new URL for the camera, valid for about `lifetime`; `expiresAt` in Unix ms.
    func liveAddress(for target: RenewalTarget, lifetime: Duration) async throws(RenewalFailure) -> (url: String, expiresAt: Int64)
    /// One cheap authenticated call: whether paused renewals (`.credentials`) may resume.
    func probe() async throws(RenewalFailure)
}

extension LiveAddressProvider {
    public func probe() async throws(RenewalFailure) {}
}

/// Why a renewal attempt failed, as the worker acts on it.
public struct RenewalFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The device is offline: a camera state, retried later at a calm pace.
        case deviceOffline
        /// Worth retrying with backoff (5xx, timeouts, rate limits, a breaker that is open).
        case retryable
        /// Retrying cannot help (not found, encrypted, no resource id).
        case permanent
        /// The account's credentials or token are refused: no camera can renew. Every renewal
        /// pauses (shared in Redis) until a probe succeeds; the camera is not at fault.
        case credentials
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
