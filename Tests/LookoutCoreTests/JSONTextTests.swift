import Foundation
import Testing

@testable import LookoutCore

/// The hand-written JSON of the hot paths must be the document the Foundation encoders write.
@Suite struct JSONTextTests {
    static let camera = CameraState(
        id: 7, name: "Gate / \"north\"", status: .offline, statusReason: "nvr_offline", enabled: true, path: "site-a/gate", streamExpiresAt: 1_700_000_123_456,
        renewalState: "scheduled")
    static let bare = CameraState(id: 8, name: "Yard ✓ 東門", status: .unknown, statusReason: nil, enabled: false, path: nil, streamExpiresAt: nil, renewalState: "idle")
    static let states = [
        NVRState(
            id: 1, hostname: "DESKTOP-T7MNQIA", name: "Main \\ office", status: .online, statusChangedAt: 1_700_000_000_000, lastSeenAt: 1_700_000_001_000,
            version: 42, session: "7c0e9a52-4f5e-4c1e-9f0b-1d2e3f4a5b6c", gateway: "gw-1", cameras: [camera, bare]),
        NVRState(
            id: 2, hostname: "nvr-2", name: "", status: .offline, statusChangedAt: -1, lastSeenAt: nil, version: 0, session: nil, gateway: nil,
            cameras: []),
    ]

    @Test func statesAreByteForByteWhatJSONEncoderWrites() throws {
        for state in Self.states {
            #expect(state.jsonText == String(decoding: try JSONEncoder.lookout.encode(state), as: UTF8.self))
        }
        #expect(NVRState.jsonText(Self.states) == String(decoding: try JSONEncoder.lookout.encode(Self.states), as: UTF8.self))
        #expect(NVRState.jsonText([]) == "[]")
    }

    @Test func controlCharactersAreEscapedAndReadBack() throws {
        var state = Self.states[1]
        state.name = "tab\there\nnew\u{01}line\u{1F}\r\u{08}\u{0C}\"q\"\\"
        let decoded = try JSONDecoder().decode(NVRState.self, from: Data(state.jsonText.utf8))
        #expect(decoded == state)
        #expect(!state.jsonText.contains("\n") && !state.jsonText.contains("\u{01}"))
    }

    @Test(arguments: [
        ServerMessage.authOK(session: "s/1", heartbeatInterval: 10), .authError(code: "auth_failed", error: "invalid \"token\""),
        .heartbeatAck(serverTime: 1_700_000_000_000), .error(code: "unknown_type", message: "unknown type: x\ny"),
    ])
    func serverMessagesAreWhatJSONSerializationWrites(message: ServerMessage) throws {
        let fields: [String: any Sendable] =
            switch message {
            case .authOK(let session, let interval): ["type": "auth_ok", "session": session, "heartbeatInterval": interval]
            case .authError(let code, let error): ["type": "auth_error", "code": code, "error": error]
            case .heartbeatAck(let time): ["type": "heartbeat_ack", "serverTime": time]
            case .error(let code, let message): ["type": "error", "code": code, "message": message]
            default: [:]
            }
        let expected = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(message.json == String(decoding: expected, as: UTF8.self))
    }

    @Test func notificationsCarryTheStateAndAlertsTheirFields() throws {
        let nvr = Notification.nvr(Self.states[0]).body
        #expect(nvr == #"{"type":"nvr","nvr":"# + Self.states[0].jsonText + "}")
        let alert = Notification.alert(nvrID: 3, hostname: "nvr-3", message: "NVR offline for 30 s", at: 1_700_000_000_000).body
        #expect(alert == #"{"at":1700000000000,"hostname":"nvr-3","message":"NVR offline for 30 s","nvrId":3,"type":"alert"}"#)
    }
}
