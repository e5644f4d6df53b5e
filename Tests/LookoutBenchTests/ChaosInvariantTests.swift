@testable import LookoutBench
import Testing

/// The fault matrix's judgements (`lookout chaos`): what counts as a lasting difference, a ghost,
/// a double fetch and an invalid mediamtx.yml.
@Suite struct ChaosInvariantTests {
    @Test func aDifferenceCountsOnlyOnceItOutlivesAStableReference() {
        let start = ContinuousClock.now
        var divergence = Divergence()
        divergence.update(reference: ["a": "online", "b": "offline"], observed: ["a": "offline", "b": "offline"], at: start)
        #expect(divergence.persistent(.seconds(3), at: start + .seconds(2)).isEmpty, "in flight")
        divergence.update(reference: ["a": "online", "b": "offline"], observed: ["a": "offline", "b": "offline"], at: start + .seconds(4))
        #expect(Set(divergence.persistent(.seconds(3), at: start + .seconds(4)).keys) == ["a"])
        // The reference changes: the clock starts again for that key.
        divergence.update(reference: ["a": "offline", "b": "offline"], observed: ["a": "online", "b": "offline"], at: start + .seconds(5))
        #expect(divergence.persistent(.seconds(3), at: start + .seconds(6)).isEmpty)
        // Agreement clears it; a key only the observed side has is a difference too.
        divergence.update(reference: ["a": "offline"], observed: ["a": "offline", "ghost": "online"], at: start + .seconds(7))
        #expect(Set(divergence.entries.keys) == ["ghost"])
    }

    @Test func twoFetchesCloserThanHalfARenewalPeriodAreOneDueTimeFetchedTwice() {
        // Renewed every 42 s (60 s URLs at 70 %): 21 s apart or less is the same due time.
        let issued: [String: [Int64]] = ["cam-1": [0, 42_000, 50_000], "cam-2": [0, 42_000, 84_000]]
        #expect(ChaosRun.doubleFetches(issued, since: 0) == (doubles: 1, fetched: 6))
        #expect(ChaosRun.doubleFetches(issued, since: 45_000) == (doubles: 1, fetched: 2), "a fetch before the step still counts as the previous one")
    }

    @Test func everyVersionOfMediamtxYmlIsCheckedAsMediaMTXWouldLoadIt() {
        let sidecar = "/nonexistent/mediamtx.yml.managed"
        let good = ConfigWatcher.check("paths:\n  cam-1:\n    source: \"rtmp://127.0.0.1:1935/live?expire=1700000000&id=1\"\n", sidecar: sidecar)
        #expect(good.problem == nil)
        #expect(good.sources.keys.sorted() == ["cam-1"])
        #expect(ConfigWatcher.expiry(of: good.sources["cam-1"]!) == 1_700_000_000)
        #expect(ConfigWatcher.check("paths: [", sidecar: sidecar).problem != nil, "not YAML")
        #expect(ConfigWatcher.check("notAMediaMTXKey: 1\n", sidecar: sidecar).problem != nil, "unknown key")
        #expect(ConfigWatcher.check("paths:\n  cam-1:\n    source: \"ftp://x/live?expire=1\"\n", sidecar: sidecar).problem != nil, "bad scheme")
    }
}
