import Foundation
import Logging
import LookoutCore
import LookoutNotify
import LookoutRedis
import LookoutTestSupport
import Testing

/// The dashboard feed across Redis data loss and long absences (issue 12): a new epoch ends in a
/// fresh snapshot for every dashboard, and a gap the history still holds is replayed exactly.
@Suite(.serialized) struct NotificationFeedTests {
    @Test func dashboardsStartOverFromASnapshotWhenRedisRestartsEmpty() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let system = try await LookoutSystem.start(heartbeatSeconds: 10, environment: ["LOOKOUT_REDIS_URL": redis.url])
        try await withTeardown({
            await system.shutdown()
            await redis.kill()
        }) {
            let tokenBefore = try await system.addNVR("nvr-before", cameras: 0)
            let tokenAfter = try await system.addNVR("nvr-after", cameras: 1)
            let key = try await system.addAPIKey()
            let (_, port) = try await system.startGateway()
            try await system.startWorker()
            let dashboards = [await connectDashboard(port: port, key: key), await connectDashboard(port: port, key: key)]
            let oldEpoch = dashboards[0].first?["epoch"] as? String
            // A change before the loss: the feed is past seq 0 when Redis loses it.
            let (before, _) = await connectNVR(port: port, hostname: "nvr-before", token: tokenBefore)
            for (socket, _) in dashboards {
                #expect(await waitForNVR(socket, hostname: "nvr-before", status: "online", within: .seconds(10)) != nil, "\(system.logs)")
            }

            await redis.kill()
            try await redis.start()
            let back = ContinuousClock.now

            // Each dashboard gets a fresh snapshot of the new epoch, without being closed…
            var snapshots: [[String: Any]] = []
            for (socket, _) in dashboards {
                let messages = await receive(socket, within: .seconds(10)) { $0["type"] as? String == "snapshot" }
                let snapshot = try #require(messages.last, "no fresh snapshot after Redis came back empty\n\(system.logs)")
                #expect(snapshot["type"] as? String == "snapshot")
                #expect(snapshot["epoch"] as? String != nil && snapshot["epoch"] as? String != oldEpoch)
                snapshots.append(snapshot)
            }
            let resynced = ContinuousClock.now - back
            // …then the next change, numbered on from the snapshot within its epoch.
            let connecting = ContinuousClock.now
            let (after, _) = await connectNVR(port: port, hostname: "nvr-after", token: tokenAfter)
            for ((socket, _), snapshot) in zip(dashboards, snapshots) {
                let messages = await receive(socket, within: .seconds(10)) {
                    ($0["nvr"] as? [String: Any])?["hostname"] as? String == "nvr-after" && ($0["nvr"] as? [String: Any])?["status"] as? String == "online"
                }
                #expect(messages.last?["type"] as? String == "nvr", "nvr-after never reached a dashboard\n\(system.logs)")
                let start = try #require(snapshot.seq)
                #expect(messages.compactMap(\.seq) == Array((start + 1)..<(start + 1 + Int64(messages.count))), "consecutive after the snapshot")
                #expect(messages.allSatisfy { $0["epoch"] as? String == snapshot["epoch"] as? String })
            }
            print("feed figures: Redis back empty → fresh snapshot on both dashboards \(resynced); NVR connect → both dashboards \(ContinuousClock.now - connecting)")
            // A dashboard arriving now gets the new epoch, with the change in it.
            let (late, lateSnapshot) = await connectDashboard(port: port, key: key)
            #expect(lateSnapshot?["type"] as? String == "snapshot")
            #expect(lateSnapshot?["epoch"] as? String == snapshots[0]["epoch"] as? String)
            #expect(try #require(lateSnapshot?.seq) > 0)
            let nvrs = lateSnapshot?["nvrs"] as? [[String: Any]] ?? []
            #expect(nvrs.contains { $0["hostname"] as? String == "nvr-after" && $0["status"] as? String == "online" })
            // An old position from the lost epoch gets a snapshot, not numbers from the new one.
            let (stale, staleFirst) = await openDashboard(port: port, key: key, lastSeq: 1, epoch: oldEpoch)
            #expect(staleFirst?["type"] as? String == "snapshot")
            for socket in [before, after, late, stale] + dashboards.map(\.socket) { socket.close() }
        }
    }

    @Test func aDashboardFarBehindIsReplayedExactlyWithoutASnapshot() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        let client = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL), logger: Logger(label: "test"))
        try await withTeardown({
            await client.close()
            await system.shutdown()
        }) {
            let key = try await system.addAPIKey()
            let (_, port) = try await system.startGateway()
            let publisher = NotificationPublisher(redis: client, keys: RedisKeys(prefix: system.prefix))
            try await publisher.publish(bodies: [alert(-1)])
            let (dashboard, snapshot) = await connectDashboard(port: port, key: key)
            let seq = try #require(snapshot?.seq)
            let epoch = snapshot?["epoch"] as? String
            dashboard.close()

            let behind = 6_105
            for start in stride(from: 0, to: behind, by: 1_000) {
                try await publisher.publish(bodies: (start..<min(start + 1_000, behind)).map(alert))
            }
            let reconnecting = ContinuousClock.now
            let (back, first) = await openDashboard(port: port, key: key, lastSeq: seq, epoch: epoch)
            var missed: [[String: Any]] = first.map { [$0] } ?? []
            while missed.count < behind, let next = await back.receiveJSON(within: .seconds(5)) { missed.append(next) }
            print("feed figures: \(missed.count) missed notifications replayed in \(ContinuousClock.now - reconnecting)")
            #expect(first?["type"] as? String != "snapshot", "the history holds all \(behind): replayed, no snapshot")
            #expect(missed.count == behind)
            // Compared whole, reported short (the arrays are 6,105 long).
            let seqs = missed.compactMap(\.seq)
            let exactly = seqs == Array((seq + 1)...(seq + Int64(behind)))
            #expect(exactly, "exactly the missed ones, in order: got \(seqs.count) from \(seqs.first ?? -1) to \(seqs.last ?? -1), after \(seq)")
            let bodies = missed.compactMap { $0["message"] as? String } == (0..<behind).map { "m-\($0)" }
            #expect(bodies, "the notifications' own content, in order")
            #expect(await back.receiveJSON(within: .milliseconds(300)) == nil, "nothing more")
            back.close()
        }
    }

    @Test func aGapTheHistoryNoLongerHoldsEndsInAFreshSnapshot() async throws {
        let system = try await LookoutSystem.start(heartbeatSeconds: 10)
        let client = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL), logger: Logger(label: "test"))
        try await withTeardown({
            await client.close()
            await system.shutdown()
        }) {
            let key = try await system.addAPIKey()
            let (_, port) = try await system.startGateway()
            let keys = RedisKeys(prefix: system.prefix)
            let publisher = NotificationPublisher(redis: client, keys: keys)
            try await publisher.publish(bodies: [alert(0)])
            let (dashboard, snapshot) = await connectDashboard(port: port, key: key)
            let seq = try #require(snapshot?.seq)
            // Five notifications the gateway never hears of and the history no longer holds
            // (published while its subscription was down, then trimmed), then one it does.
            _ = try await client.send(RedisCommand("INCRBY", [keys.notifySequence, "5"]))
            try await publisher.publish(bodies: [alert(1)])

            let next = await dashboard.receiveJSON()
            #expect(next?["type"] as? String == "snapshot", "a gap it cannot fill: a fresh snapshot, not silence")
            #expect(next?.seq == seq + 6)
            #expect(next?["epoch"] as? String == snapshot?["epoch"] as? String)
            try await publisher.publish(bodies: [alert(2)])
            let after = await dashboard.receiveJSON()
            #expect(after?.seq == seq + 7 && after?["message"] as? String == "m-2", "and on from there")
            dashboard.close()
        }
    }

    private func alert(_ index: Int) -> String {
        #"{"at":1700000000000,"hostname":"nvr-x","message":"m-\#(index)","nvrId":1,"type":"alert"}"#
    }

    /// A dashboard that reconnects with a position.
    private func openDashboard(port: Int, key: String, lastSeq: Int64, epoch: String?) async -> (socket: TestSocket, first: [String: Any]?) {
        let socket = TestSocket(port: port)
        var message: [String: any Sendable] = ["type": "dashboard", "token": key, "lastSeq": lastSeq]
        if let epoch { message["epoch"] = epoch }
        socket.send(json: message)
        return (socket, await socket.receiveJSON())
    }

    /// Messages up to and including the first that matches; all of them if none does in time.
    private func receive(_ socket: TestSocket, within limit: Duration, until match: ([String: Any]) -> Bool) async -> [[String: Any]] {
        let deadline = ContinuousClock.now + limit
        var messages: [[String: Any]] = []
        while ContinuousClock.now < deadline, let message = await socket.receiveJSON(within: deadline - ContinuousClock.now) {
            messages.append(message)
            if match(message) { break }
        }
        return messages
    }
}
