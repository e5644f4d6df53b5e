import Foundation

/// Turns what a user types as the gateway address into the URL of its `/ws` endpoint.
enum GatewayURL {
    /// `http://h:8080` → `ws://h:8080/ws`, `https://h` → `wss://h/ws`; a `ws`/`wss` URL keeps
    /// its path unless it has none (then `/ws`).
    static func webSocketURL(_ string: String) throws(NVRAgentError) -> String {
        guard var components = URLComponents(string: string),
            let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { throw .invalidURL(string) }
        switch scheme {
        case "ws", "wss": components.scheme = scheme
        case "http": components.scheme = "ws"
        case "https": components.scheme = "wss"
        default: throw .invalidURL(string)
        }
        if components.path.isEmpty || components.path == "/" {
            components.path = "/ws"
        }
        guard let url = components.string else { throw .invalidURL(string) }
        return url
    }
}
