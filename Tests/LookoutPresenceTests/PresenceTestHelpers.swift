import Foundation
import LookoutTestSupport
import Testing

/// Opens an NVR connection and authenticates; records an issue if the gateway refuses.
func connectNVR(port: Int, hostname: String, token: String?) async -> (socket: TestSocket, session: String?) {
    let socket = TestSocket(port: port)
    var auth: [String: any Sendable] = ["type": "auth", "hostname": hostname]
    if let token { auth["token"] = token }
    socket.send(json: auth)
    let reply = await socket.receiveJSON()
    #expect(reply?["type"] as? String == "auth_ok", "auth of \(hostname): \(String(describing: reply))")
    return (socket, reply?["session"] as? String)
}

/// Opens a dashboard and returns it with its first message (snapshot or first catch-up).
func connectDashboard(port: Int, key: String, lastSeq: Int64? = nil) async -> (socket: TestSocket, first: [String: Any]?) {
    let socket = TestSocket(port: port)
    var message: [String: any Sendable] = ["type": "dashboard", "token": key]
    if let lastSeq { message["lastSeq"] = lastSeq }
    socket.send(json: message)
    return (socket, await socket.receiveJSON())
}

/// Reads notifications until one says `hostname` has `status`; returns it, or nil on timeout.
func waitForNVR(_ socket: TestSocket, hostname: String, status: String, within limit: Duration = .seconds(5)) async -> [String: Any]? {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        guard let message = await socket.receiveJSON(within: deadline - ContinuousClock.now) else { return nil }
        if let nvr = message["nvr"] as? [String: Any], nvr["hostname"] as? String == hostname, nvr["status"] as? String == status {
            return message
        }
    }
    return nil
}

/// Polls PostgreSQL until the NVR's `status|version` matches.
func waitForRow(_ system: LookoutSystem, _ hostname: String, _ expected: String, within limit: Duration = .seconds(5)) async throws -> Bool {
    try await eventually(timeout: limit, every: .milliseconds(50)) { try await system.nvrRow(hostname) == expected }
}

extension [String: Any] {
    var seq: Int64? { (self["seq"] as? NSNumber)?.int64Value }
}
