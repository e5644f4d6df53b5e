import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// One OpenAPI request on the wire: breaker, rate-limit slot, `POST` with a JSON body, the
/// `errorCode` envelope. Every HTTP request of the client goes through `post`, `token/get`
/// included. It logs the path and outcome, never a body, a token or a URL from a response.
struct HikTransport: Sendable {
    let httpClient: HTTPClient
    let limiter: HikRateLimiter
    let breaker: HikCircuitBreaker
    let timeout: Duration
    let logger: Logger

    /// The largest response body read; a camera page of 500 is about 400 KB.
    static let maximumBodySize = 16 << 20

    /// Sends `body` to `baseURL + path` and returns the envelope's `data` (`.null` when absent).
    func post(baseURL: String, path: String, body: HikJSON, token: String?) async throws(HikConnectError) -> HikJSON {
        let ticket = try breaker.admit()
        let slot: HikRateLimiter.Slot
        do {
            // Held until the answer is back: the time the request takes to leave counts too.
            slot = try await limiter.acquire(holdingFor: timeout + .seconds(1))
        } catch {
            breaker.record(.neutral, ticket: ticket)
            throw error
        }
        if let gate = HikRequestGate.check, !(await gate()) {
            await limiter.sent(slot)
            breaker.record(.neutral, ticket: ticket)
            logger.debug("Hik-Connect call stopped by its caller before sending", metadata: ["lookout.hik.path": "\(path)"])
            throw HikConnectError(.cancelled, "the caller may no longer send this request")
        }
        let started = ContinuousClock.now
        let (status, bytes): (UInt, ByteBuffer)
        do {
            (status, bytes) = try await send(url: baseURL.trimmingTrailingSlash + path, body: body, token: token)
            await limiter.sent(slot)
        } catch {
            await limiter.sent(slot)
            breaker.record(error.isTransportFailure ? .failure : .neutral, ticket: ticket)
            HikMetrics.request(path: path, result: .transportError, took: ContinuousClock.now - started)
            log(path: path, started: started, error: error)
            throw error
        }
        if status >= 500 {
            let error = HikConnectError(.serverError, "HTTP \(status)")
            breaker.record(.failure, ticket: ticket)
            HikMetrics.request(path: path, result: .serverError, took: ContinuousClock.now - started)
            log(path: path, started: started, error: error)
            throw error
        }
        breaker.record(.success, ticket: ticket)
        do {
            let data = try Self.unwrap(status: status, bytes: bytes, authenticated: token != nil)
            HikMetrics.request(path: path, result: .ok, took: ContinuousClock.now - started)
            logger.trace("Hik-Connect call done", metadata: ["lookout.hik.path": "\(path)", "lookout.hik.ms": "\(started.millisecondsAgo)"])
            return data
        } catch {
            HikMetrics.request(path: path, result: error.code == .rateLimited ? .rateLimited : .refused, took: ContinuousClock.now - started)
            log(path: path, started: started, error: error)
            if error.code == .rateLimited { await backOff(path: path) }
            throw error
        }
    }

    /// A rate-limit answer: every process of the account pauses for one window (shared in Redis).
    private func backOff(path: String) async {
        HikMetrics.countRateLimitAnswer()
        do {
            try await limiter.backOff()
            logger.warning(
                "Hik-Connect answered rate limited; every process backs off",
                metadata: ["lookout.hik.path": "\(path)", "lookout.hik.backoff_ms": "\(limiter.rateLimit.backoff.microseconds / 1000)"])
        } catch {
            logger.warning("Hik-Connect answered rate limited; shared back-off not set", metadata: ["lookout.hik.error": "\(error)"])
        }
    }

    private func send(url: String, body: HikJSON, token: String?) async throws(HikConnectError) -> (UInt, ByteBuffer) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Token", value: token) }
        do {
            request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body)))
            let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
            let response = try await httpClient.execute(request, deadline: deadline, logger: nil)
            let bytes = try await response.body.collect(upTo: Self.maximumBodySize)
            return (response.status.code, bytes)
        } catch let error as HTTPClientError {
            throw Self.map(error)
        } catch is NIOTooManyBytesError {
            throw HikConnectError(.invalidResponse, "response body over \(Self.maximumBodySize) bytes")
        } catch is CancellationError {
            throw HikConnectError(.cancelled, "request cancelled")
        } catch is EncodingError {
            throw HikConnectError(.invalidRequest, "request body not encodable")
        } catch {
            throw HikConnectError(.unreachable, "\(type(of: error)): \(error)")
        }
    }

    static func map(_ error: HTTPClientError) -> HikConnectError {
        switch error {
        case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
            HikConnectError(.timeout, "no answer in time (\(error))")
        case .cancelled:
            HikConnectError(.cancelled, "request cancelled")
        case .bodyLengthMismatch:
            HikConnectError(.invalidResponse, "\(error)")
        default:
            HikConnectError(.unreachable, "\(error)")
        }
    }

    /// Reads the envelope: `errorCode` "0" (or 0) is success, anything else a typed error.
    static func unwrap(status: UInt, bytes: ByteBuffer, authenticated: Bool) throws(HikConnectError) -> HikJSON {
        let envelope = try? JSONDecoder().decode(HikJSON.self, from: bytes)
        let errorCode = envelope?["errorCode"]?.string
        let message = envelope?["message"]?.string
        if let errorCode, errorCode != "0" { throw HikConnectError(errorCode: errorCode, message: message) }
        switch status {
        case 200..<300: break
        case 401: throw HikConnectError(authenticated ? .tokenInvalid : .badCredentials, "HTTP 401")
        case 429: throw HikConnectError(.rateLimited, "HTTP 429")
        default: throw HikConnectError(.invalidResponse, "HTTP \(status)")
        }
        guard let envelope, errorCode == "0" else {
            throw HikConnectError(.invalidResponse, "no errorCode envelope")
        }
        return envelope["data"] ?? .null
    }

    private func log(path: String, started: ContinuousClock.Instant, error: HikConnectError) {
        var metadata: Logger.Metadata = [
            "lookout.hik.path": "\(path)", "lookout.hik.error": "\(error.code)", "lookout.hik.ms": "\(started.millisecondsAgo)",
        ]
        if let errorCode = error.errorCode { metadata["lookout.hik.error_code"] = "\(errorCode)" }
        logger.debug("Hik-Connect call failed", metadata: metadata)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension ContinuousClock.Instant {
    var millisecondsAgo: Int64 { (ContinuousClock.now - self).microseconds / 1000 }
}

extension String {
    var trimmingTrailingSlash: String { hasSuffix("/") ? String(dropLast()) : self }
}
