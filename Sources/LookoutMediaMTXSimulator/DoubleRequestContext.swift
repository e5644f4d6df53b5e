public import Hummingbird
public import NIOCore

/// The double's request context: the client's address, which MediaMTX sends to its auth URL and
/// binds HLS sessions to.
public struct DoubleRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
