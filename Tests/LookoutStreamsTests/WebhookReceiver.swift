import Foundation
import HTTPTypes
import Hummingbird
import LookoutCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real HTTP receiver of alert webhooks on a free loopback port: checks each request's
/// signature as a receiver would (``WebhookSignature/verify``), records it, and answers with the
/// status its script says (`failFirst` 503s, or always 500 with `alwaysFail`).
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let body: String
        let signatureValid: Bool
        let deliveryID: String?
        let at: ContinuousClock.Instant

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
        var alerts: [[String: Any]] { json["alerts"] as? [[String: Any]] ?? [] }
        var text: String { json["text"] as? String ?? "" }
    }

    private let state = Mutex<(received: [Received], failuresLeft: Int, alwaysFail: Bool, port: Int?)>(([], 0, false, nil))
    private let task = Mutex<Task<Void, any Error>?>(nil)
    let secret: String

    init(secret: String, failFirst: Int = 0, alwaysFail: Bool = false) {
        self.secret = secret
        state.withLock { $0.failuresLeft = failFirst; $0.alwaysFail = alwaysFail }
    }

    var received: [Received] { state.withLock { $0.received } }
    /// Every request, answered or refused.
    var attempts: Int { state.withLock { $0.received.count } }
    var url: String { "http://127.0.0.1:\(state.withLock { $0.port } ?? 0)/hook/secret-path?token=abc" }

    func start() async throws {
        let router = Router()
        router.post("/hook/secret-path") { [self] request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let body = Array(buffer.readableBytesView)
            let valid = WebhookSignature(secret: secret).verify(
                body: body, timestamp: request.headers[HTTPField.Name("X-Lookout-Timestamp")!] ?? "",
                signature: request.headers[HTTPField.Name("X-Lookout-Signature")!] ?? "", now: Int64(Date().timeIntervalSince1970))
            let fail = state.withLock { state in
                state.received.append(
                    Received(
                        body: String(decoding: body, as: UTF8.self), signatureValid: valid,
                        deliveryID: request.headers[HTTPField.Name("X-Lookout-Delivery")!], at: .now))
                if state.alwaysFail { return true }
                if state.failuresLeft > 0 {
                    state.failuresLeft -= 1
                    return true
                }
                return false
            }
            return Response(status: fail ? .serviceUnavailable : (valid ? .noContent : .unauthorized))
        }
        var logger = Logger(label: "test.webhook.receiver")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { [self] channel in state.withLock { $0.port = channel.localAddress?.port } }, logger: logger)
        task.withLock { $0 = Task { try await app.runService() } }
        for _ in 0..<500 where state.withLock({ $0.port }) == nil { try await Task.sleep(for: .milliseconds(10)) }
    }

    func stop() async {
        let running = task.withLock { $0 }
        running?.cancel()
        _ = try? await running?.value
    }
}
