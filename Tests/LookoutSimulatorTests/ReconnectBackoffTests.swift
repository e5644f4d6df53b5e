import LookoutSimulator
import Testing

@Suite struct ReconnectBackoffTests {
    @Test func doublesFromHalfASecondUpToTenSeconds() {
        let backoff = ReconnectBackoff()
        let bases = (0..<8).map { backoff.baseDelay(attempt: $0) }
        #expect(bases == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10), .seconds(10)])
    }

    @Test func hugeAndNegativeAttemptsStayInRange() {
        let backoff = ReconnectBackoff()
        #expect(backoff.baseDelay(attempt: 10_000) == .seconds(10))
        #expect(backoff.baseDelay(attempt: Int.max) == .seconds(10))
        #expect(backoff.baseDelay(attempt: -3) == .milliseconds(500))
    }

    @Test func jitterShortensByAtMostHalfAndNeverExceedsTheCap() {
        let backoff = ReconnectBackoff()
        var generator = SeededGenerator(seed: 42)
        for attempt in 0..<40 {
            let base = backoff.baseDelay(attempt: attempt)
            for _ in 0..<50 {
                let delay = backoff.delay(attempt: attempt, using: &generator)
                #expect(delay <= base)
                #expect(delay >= base / 2)
                #expect(delay <= .seconds(10))
            }
        }
    }

    @Test func jitterSpreadsTheDelays() {
        let backoff = ReconnectBackoff()
        var generator = SeededGenerator(seed: 7)
        let delays = Set((0..<100).map { _ in backoff.delay(attempt: 3, using: &generator) })
        #expect(delays.count > 90)
        let sorted = delays.sorted()
        // 4 s base, half of it random: the draws cover most of 2…4 s.
        #expect(sorted.first! < .milliseconds(2300))
        #expect(sorted.last! > .milliseconds(3700))
    }

    @Test func sameSeedSameDelays() {
        let backoff = ReconnectBackoff()
        var first = SeededGenerator(seed: 1)
        var second = SeededGenerator(seed: 1)
        let a = (0..<10).map { backoff.delay(attempt: $0, using: &first) }
        let b = (0..<10).map { backoff.delay(attempt: $0, using: &second) }
        #expect(a == b)
    }

    @Test func withoutJitterTheDelayIsTheBase() {
        let backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1), jitter: 0)
        #expect((0..<6).map { backoff.delay(attempt: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        #expect(ReconnectBackoff(jitter: 7).jitter == 1)
        #expect(ReconnectBackoff(jitter: -1).jitter == 0)
    }
}
