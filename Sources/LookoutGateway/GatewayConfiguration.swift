public import Foundation
public import LookoutCore
import NIOCore

/// What one gateway process runs with.
public struct GatewayConfiguration: Sendable {
    /// This process's boot id: new at every start, never reused. Also the gateway's id.
    public var gatewayID: String
    public var host: String
    public var port: Int
    public var keys: RedisKeys
    public var heartbeatInterval: Duration
    /// A socket silent this long is closed (1.5 heartbeat intervals).
    public var silenceLimit: Duration
    public var authTimeout: Duration
    public var maxMessageSize: Int
    /// WebSocket pings (nil: none); they find dead dashboard sockets, NVRs have heartbeats.
    public var pingInterval: Duration?
    /// Invalid messages in a row before the connection is closed.
    public var maxConsecutiveErrors: Int
    /// Notifications queued for one dashboard before it counts as too slow.
    public var dashboardQueueLimit: Int
    /// Presence stream bound (`XADD … MAXLEN ~`).
    public var presenceStreamMaxLength: Int
    /// How often liveness is flushed to Redis and the gateway's own key refreshed.
    public var flushInterval: Duration
    /// Presence events kept while Redis is unreachable, at most (``PresenceOutbox``).
    public var presenceBacklogLimit: Int
    /// A new connection's first request head must be complete within this.
    public var headerTimeout: Duration
    /// A keep-alive HTTP connection without a request is closed after this.
    public var idleTimeout: Duration
    /// Open connections at most, in all and per client address (0: no cap).
    public var maxConnections: Int
    public var maxConnectionsPerAddress: Int
    /// Load balancers whose `X-Forwarded-For` names the client.
    public var trustedProxies: [IPNetwork]
    /// On shutdown, the NVR sockets' closes (1012) are spread over this; zero: all at once.
    public var drainWindow: Duration

    public init(settings: LookoutSettings, gatewayID: String = "gw-" + UUID().uuidString.lowercased().prefix(13)) {
        self.gatewayID = gatewayID
        host = settings.httpHost
        port = settings.httpPort
        keys = settings.keys
        heartbeatInterval = settings.heartbeatInterval
        silenceLimit = settings.heartbeatInterval * 1.5
        authTimeout = .seconds(10)
        maxMessageSize = settings.wsMaxMessageSize
        pingInterval = settings.wsPingInterval
        maxConsecutiveErrors = 10
        dashboardQueueLimit = 10_000
        presenceStreamMaxLength = 1_000_000
        flushInterval = .seconds(1)
        presenceBacklogLimit = 100_000
        headerTimeout = settings.headerTimeout
        idleTimeout = settings.idleTimeout
        maxConnections = settings.maxConnections
        maxConnectionsPerAddress = settings.maxConnectionsPerAddress
        trustedProxies = settings.trustedProxies
        drainWindow = settings.drainWindow
    }

    /// The accept queue asked of the kernel (it caps it at `net.core.somaxconn`, 4096 here):
    /// Hummingbird's default of 256 overflowed in reconnect storms, and a client whose final
    /// handshake ACK is dropped sits in a connection the gateway never accepted.
    static let listenBacklog = 4096

    /// How long a closing socket waits for the client's close frame before it is cut.
    static let closeTimeout = TimeAmount.seconds(1)

    /// How "the client's address" is found.
    var clientAddress: ClientAddress { ClientAddress(trustedProxies: trustedProxies) }

    /// Seconds, as announced to agents in `auth_ok`.
    var heartbeatSeconds: Int { Int(heartbeatInterval.components.seconds) }
}
