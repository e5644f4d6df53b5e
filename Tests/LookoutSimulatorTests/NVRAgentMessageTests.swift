import LookoutCore
import LookoutSimulator
import Testing

/// The frames the agent sends, checked byte for byte and through the gateway's own parser.
@Suite struct NVRAgentMessageTests {
    @Test func authWithToken() throws {
        let json = NVRAgentMessage.auth(hostname: "DESKTOP-T7MNQIA", token: "nvr_abc123")
        #expect(json == #"{"hostname":"DESKTOP-T7MNQIA","token":"nvr_abc123","type":"auth"}"#)
        #expect(try ClientMessage.decode(json) == .auth(hostname: "DESKTOP-T7MNQIA", token: "nvr_abc123"))
    }

    @Test func authWithoutTokenOmitsTheKey() throws {
        let json = NVRAgentMessage.auth(hostname: "sim-nvr-0001", token: nil)
        #expect(json == #"{"hostname":"sim-nvr-0001","type":"auth"}"#)
        #expect(try ClientMessage.decode(json) == .auth(hostname: "sim-nvr-0001", token: nil))
    }

    @Test(arguments: [#"shop "north"\1"#, "caméra-ü-東京", "a/b", String(repeating: "h", count: 255)])
    func awkwardHostnamesSurviveTheParser(hostname: String) throws {
        let json = NVRAgentMessage.auth(hostname: hostname, token: "nvr_/+=")
        #expect(try ClientMessage.decode(json) == .auth(hostname: hostname, token: "nvr_/+="))
    }

    @Test func heartbeat() throws {
        #expect(NVRAgentMessage.heartbeat == #"{"type":"heartbeat"}"#)
        #expect(try ClientMessage.decode(NVRAgentMessage.heartbeat) == .heartbeat)
    }

    @Test(arguments: [
        ServerMessage.authOK(session: "7c0e9a52-4f5e-4c1e-9f0b-1d2e3f4a5b6c", heartbeatInterval: 10),
        .authError(code: "auth_failed", error: "authentication failed"),
        .heartbeatAck(serverTime: 1_732_200_000_000),
        .error(code: "invalid_message", message: "field 'hostname' is missing"),
    ])
    func readsWhatTheGatewayWrites(message: ServerMessage) {
        #expect(NVRAgentMessage.decodeServerMessage(message.json) == message)
    }

    @Test func unknownTypesPassThroughAndGarbageIsNil() {
        let snapshot = #"{"type":"snapshot","seq":1,"nvrs":[]}"#
        #expect(NVRAgentMessage.decodeServerMessage(snapshot) == .notification(json: snapshot))
        #expect(NVRAgentMessage.decodeServerMessage(#"{"type":"auth_ok","extra":1,"session":"s","heartbeatInterval":5}"#) == .authOK(session: "s", heartbeatInterval: 5))
        #expect(NVRAgentMessage.decodeServerMessage("not json") == nil)
        #expect(NVRAgentMessage.decodeServerMessage(#"{"session":"s"}"#) == nil)
        #expect(NVRAgentMessage.decodeServerMessage(#"{"type":"auth_ok","session":"s"}"#) == nil)
        #expect(NVRAgentMessage.decodeServerMessage(#"{"type":"heartbeat_ack"}"#) == nil)
    }
}
