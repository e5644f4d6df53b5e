import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
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
struct GatewayChildChannel: ServerChildChannel, HTTPChannelHandler {
    enum Negotiated: Sendable {
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
            let upgradeAttempted = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            var logger = logger
            logger[metadataKey: "hb.request.id"] = "\(RequestID())"
            logger[metadataKey: "lookout.gateway"] = "\(services.configuration.gatewayID)"
            let connectionLogger = logger
            let configuration = services.configuration
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: configuration.maxMessageSize,
                shouldUpgrade: { channel, head in
                    upgradeAttempted.value = true
                    let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                    let upgrade = head.method == .GET && path == Self.path
                    return channel.eventLoop.makeSucceededFuture(upgrade ? HTTPHeaders() : nil)
                },
                upgradePipelineHandler: { [services] channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            WebSocketTextHandler(maxMessageSize: configuration.maxMessageSize, closeTimeout: GatewayConfiguration.closeTimeout),
                            GatewaySocketHandler(services: services, logger: connectionLogger))
                        return Negotiated.webSocket
                    }
                })
            let serverUpgrade = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: connectionLogger))
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
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .webSocket:
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
