@testable import LookoutSimulator
import Testing

@Suite struct GatewayURLTests {
    @Test(arguments: [
        ("ws://127.0.0.1:8080", "ws://127.0.0.1:8080/ws"),
        ("ws://127.0.0.1:8080/", "ws://127.0.0.1:8080/ws"),
        ("ws://gw.local:8080/ws", "ws://gw.local:8080/ws"),
        ("http://gw.local:8080", "ws://gw.local:8080/ws"),
        ("HTTPS://gw.example", "wss://gw.example/ws"),
        ("wss://gw.example/custom/ws", "wss://gw.example/custom/ws"),
    ])
    func mapsToTheWebSocketEndpoint(input: String, expected: String) throws {
        #expect(try GatewayURL.webSocketURL(input) == expected)
    }

    @Test(arguments: ["127.0.0.1:8080", "ftp://gw/ws", "ws://", "", "ws:///ws"])
    func rejectsWhatIsNotAGatewayURL(input: String) {
        #expect(throws: NVRAgentError.invalidURL(input)) { try GatewayURL.webSocketURL(input) }
    }
}
