import LookoutCore
import Testing

@testable import LookoutStore

/// The batch planner alone, without a database.
@Suite("PresencePlan")
struct PresencePlanTests {
    static let locked: [PresencePlan.Locked] = [
        .init(id: 7, hostname: "a", version: 0, status: .unknown),
        .init(id: 3, hostname: "b", version: 5, status: .online),
    ]

    @Test func writesFollowLockOrderAndCarryTheFinalState() {
        let plan = PresencePlan(
            events: [
                presence(.connected, "b", v: 6, at: 10, gateway: "gw-2"), presence(.connected, "a", v: 1, at: 20),
                presence(.disconnected, "a", v: 1, at: 30, reason: "closed"), presence(.disconnected, "b", v: 5, at: 40),
            ],
            locked: Self.locked
        )
        #expect(plan.result == PresenceApplyResult(changedNVRIDs: [3, 7], applied: 3, ignored: 1, unknownHostnames: []))
        #expect(plan.nvrs.map(\.id) == [7, 3], "hostname order, as locked")
        #expect(plan.nvrs[0] == .init(id: 7, status: .offline, version: 1, statusChangedAt: 30, sessionID: "a-s1", gatewayID: "gw-1", lastSeenAt: 20))
        #expect(plan.nvrs[1] == .init(id: 3, status: .online, version: 6, statusChangedAt: nil, sessionID: "b-s6", gatewayID: "gw-2", lastSeenAt: 10))
        #expect(plan.cameraTransitions.map(\.nvrID) == [7])
        #expect(plan.cameraTransitions.first?.status == .offline)
    }

    @Test func sessionsMergeEveryEventOfTheBatch() {
        let plan = PresencePlan(
            events: [
                presence(.disconnected, "a", v: 2, at: 50, reason: "silent"), presence(.connected, "a", v: 2, at: 40),
                presence(.disconnected, "a", v: 2, at: 60, reason: "closed"), presence(.connected, "ghost", v: 1),
            ],
            locked: Self.locked
        )
        #expect(
            plan.sessions == [
                .init(nvrID: 7, sessionID: "a-s2", version: 2, gatewayID: "gw-1", connectedAt: 40, disconnectedAt: 50, reason: "silent")
            ]
        )
        #expect(plan.result.unknownHostnames == ["ghost"])
        #expect(plan.result.applied + plan.result.ignored == 3)
    }

    /// A drain's `handover` ends the old session but never the NVR's online state, whichever
    /// of it and the new connection's `connected` comes first.
    @Test(arguments: [false, true]) func aHandoverEndsTheSessionAndLeavesTheNVROnline(reconnectFirst: Bool) {
        let handover = presence(.handover, "b", v: 5, at: 50, reason: "drained")
        let reconnect = presence(.connected, "b", v: 6, at: 60, gateway: "gw-2")
        let plan = PresencePlan(events: reconnectFirst ? [reconnect, handover] : [handover, reconnect], locked: Self.locked)
        #expect(plan.nvrs == [.init(id: 3, status: .online, version: 6, statusChangedAt: nil, sessionID: "b-s6", gatewayID: "gw-2", lastSeenAt: 60)])
        #expect(plan.cameraTransitions.isEmpty)
        #expect(Set(plan.sessions) == [
            .init(nvrID: 3, sessionID: "b-s5", version: 5, gatewayID: "gw-1", connectedAt: 50, disconnectedAt: 50, reason: "drained"),
            .init(nvrID: 3, sessionID: "b-s6", version: 6, gatewayID: "gw-2", connectedAt: 60, disconnectedAt: nil, reason: nil),
        ])
        // Alone (the agent has not reconnected yet), it changes nothing either.
        #expect(PresencePlan(events: [handover], locked: Self.locked).nvrs.isEmpty)
    }
}
