import LookoutCore
import LookoutStore
import PostgresNIO
import Testing

/// The SQL side of presence applies exactly ``PresenceFence``'s rule.
@Suite("PostgresPresenceStore.apply matches PresenceFence", .timeLimit(.minutes(2)))
struct PresenceParityTests {
    /// Random sequences, each on its own NVR: applied one event per call, and as one batch on a
    /// twin NVR; both must end where folding `PresenceFence.decide` ends.
    @Test(arguments: [UInt64(1), 2, 3])
    func randomSequencesEndWhereTheFenceSays(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let sequences = (0..<12).map { _ in
            (0..<14).map { _ -> (PresenceEvent.Kind, Int64) in
                let pick = random.next() % 8
                let kind: PresenceEvent.Kind =
                    pick == 0 ? .seen : pick == 1 ? .handover : (random.next() % 2 == 0 ? .connected : .disconnected)
                return (kind, Int64(random.next() % 5))
            }
        }
        try await TestDatabase.withMigrated { client in
            let repository = PostgresNVRRepository(client: client, logger: TestDatabase.logger)
            let store = PostgresPresenceStore(client: client, logger: TestDatabase.logger)
            for (index, sequence) in sequences.enumerated() {
                let single = "single-\(index)", batched = "batched-\(index)"
                _ = try await repository.create(hostname: single, name: "", cameraCount: 1)
                _ = try await repository.create(hostname: batched, name: "", cameraCount: 1)

                var expected = PresenceFence.Stored(version: 0, status: .unknown)
                var batch: [PresenceEvent] = []
                for (step, (kind, version)) in sequence.enumerated() {
                    if case .apply(let next) = PresenceFence.decide(stored: expected, event: kind, version: version) {
                        expected = next
                    }
                    let at = 1_700_000_000_000 + Int64(step) * 1000
                    _ = try await store.apply([presence(kind, single, v: version, at: at)], logger: TestDatabase.logger)
                    batch.append(presence(kind, batched, v: version, at: at))
                    let stored = try await client.fence(single)
                    #expect(stored == expected, "seed \(seed) sequence \(index) step \(step): \(sequence.prefix(step + 1))")
                }
                _ = try await store.apply(batch, logger: TestDatabase.logger)
                #expect(try await client.fence(batched) == expected, "seed \(seed) sequence \(index) as one batch: \(sequence)")
            }
        }
    }
}

/// A small seeded generator, so a failing sequence can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
