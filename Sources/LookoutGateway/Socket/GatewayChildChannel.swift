import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import LookoutCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// Each connection the gateway accepts: HTTP/1 for the router, or, for a WebSocket upgrade of
/// `GET /ws`, the socket handlers (``WebSocketTextHandler``, ``GatewaySocketHandler``) on the
/// event loop. It is Hummingbird's `HTTP1WebSocketUpgradeChannel` with one difference: an
/// upgraded socket is left to its channel handlers, so the connection's task ends at the upgrade
/// instead of running as long as the socket (docs/architecture.md, "NVR sockets").
///
/// Before any of that, the connection is counted against the connection caps (over one it gets
/// a 503 and nothing else, ``ConnectionRefusalHandler``), and it must send its first request
/// head within the header timeout; a keep-alive HTTP connection is closed after the idle
/// timeout without a request (docs/security.md, "Abuse bounds").
struct GatewayChildChannel: ServerChildChannel, HTTPChannelHandler {
    enum Negotiated: Sendable {
        /// Over a connection cap: answered 503 and closed.
        case refused
        /// Upgraded: the socket handlers have it.
        case webSocket
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// An upgrade of another path, or a broken one: answered 400.
        case failedUpgrade(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    static let path = "/ws"

    let responder: HTTPChannelHandler.Responder
    let services: GatewaySocketServices

    init(responder: @escaping HTTPChannelHandler.Responder, services: GatewaySocketServices) {
        self.responder = Self.upgradeElsewhereIsRefused(responder)
        self.services = services
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let configuration = services.configuration
            if let refused = try admit(channel) { return refused }
            // The first request head must be complete in time; after it the socket's or the
            // HTTP side's own timeouts take over.
            let headTimer = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.headerTimeout)) {
                channel.close(promise: nil)
            }
            let upgradeAttempted = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let clientAddress = NIOLoopBoundBox(ClientAddress.unknown, eventLoop: channel.eventLoop)
            var logger = logger
            logger[metadataKey: "hb.request.id"] = "\(RequestID())"
            logger[metadataKey: "lookout.gateway"] = "\(services.configuration.gatewayID)"
            let connectionLogger = logger
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: configuration.maxMessageSize,
                shouldUpgrade: { [services] channel, head in
                    upgradeAttempted.value = true
                    clientAddress.value = services.configuration.clientAddress.resolve(
                        peer: channel.remoteAddress, forwardedFor: head.headers["X-Forwarded-For"])
                    let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                    let upgrade = head.method == .GET && path == Self.path
                    return channel.eventLoop.makeSucceededFuture(upgrade ? HTTPHeaders() : nil)
                },
                upgradePipelineHandler: { [services] channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            WebSocketTextHandler(maxMessageSize: configuration.maxMessageSize, closeTimeout: GatewayConfiguration.closeTimeout),
                            GatewaySocketHandler(services: services, clientAddress: clientAddress.value, logger: connectionLogger))
                        return Negotiated.webSocket
                    }
                })
            let serverUpgrade = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: configuration.idleTimeout, logger: connectionLogger))
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        return upgradeAttempted.value ? .failedUpgrade(http) : .http(http)
                    }
                })
            var pipeline = NIOUpgradableHTTPServerPipelineConfiguration<Negotiated>(upgradeConfiguration: serverUpgrade)
            pipeline.enablePipelining = false  // HTTP is pipelined by NIOAsyncChannel
            pipeline.enableErrorHandling = false  // Hummingbird handles errors
            pipeline.enableResponseHeaderValidation = false  // Swift HTTP Types validate
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: pipeline)
            negotiated.whenComplete { _ in headTimer.cancel() }
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .webSocket, .refused:
                // The channel handlers own the socket from here; this task ends.
                return
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .failedUpgrade(let http):
                logger.debug("WebSocket upgrade refused")
                await refuse(http)
            }
        } catch let error as ChannelError where error == .inputClosed {
            logger.trace("Connection closed before its first request")
        } catch {
            logger.debug("Connection failed before its first request", metadata: ["error.type": "\(error)"])
        }
    }

    /// Counts the connection against the caps, released when it closes; over one, the value of
    /// a refused connection. A trusted proxy's connections count only in the total.
    private func admit(_ channel: any Channel) throws -> Value? {
        let peer = channel.remoteAddress?.ipAddress
        let group = peer.flatMap { services.configuration.clientAddress.isTrusted($0) ? nil : IPNetwork.limitGroup($0) }
        let connections = services.connections
        guard let refusal = connections.admit(group) else {
            channel.closeFuture.whenComplete { _ in connections.release(group) }
            return nil
        }
        try channel.pipeline.syncOperations.addHandler(ConnectionRefusalHandler(refusal))
        return Value(negotiated: channel.eventLoop.makeSucceededFuture(.refused), channel: channel)
    }

    /// 400 with no body, as Hummingbird answers an upgrade it refuses.
    private func refuse(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>) async {
        try? await http.executeThenClose { _, outbound in
            let response = HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
            try await outbound.write(contentsOf: [.head(response), .end(nil)])
        }
    }

    /// An upgrade request that reached the HTTP side (NIO only upgrades a connection's first
    /// request) is redirected to the same URL with the connection closed, so the client retries
    /// on a fresh connection: what Hummingbird does.
    private static func upgradeElsewhereIsRefused(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        struct RedirectedError: Error {}
        return { request, writer, channel in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                return try await responder(request, writer, channel)
            }
            let location = request.uri.query.map { "\(request.uri.path)?\($0)" } ?? request.uri.path
            try await writer.writeResponse(HTTPResponse(status: .temporaryRedirect, headerFields: [.connection: "close", .location: location]))
            throw RedirectedError()
        }
    }
}
