/// Why `NVRAgent.run()` could not produce an `NVRAgentExit`: it never had a WebSocket to close.
public enum NVRAgentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The gateway URL is not an `http`, `https`, `ws` or `wss` URL with a host.
    case invalidURL(String)
    /// The TCP connection or the WebSocket upgrade failed.
    case connectionFailed(url: String, reason: String)
    /// The task was cancelled before the WebSocket was open.
    case cancelled

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid gateway URL '\(url)'"
        case .connectionFailed(let url, let reason): "cannot connect to \(url): \(reason)"
        case .cancelled: "cancelled before connecting"
        }
    }
}
