import LookoutSimulator
import Testing

@Suite struct PercentileTests {
    let hundred = (1...100).map { Duration.milliseconds($0) }

    @Test func nearestRankOfOneToHundred() {
        #expect(Percentile.nearestRank(50, of: hundred) == .milliseconds(50))
        #expect(Percentile.nearestRank(99, of: hundred) == .milliseconds(99))
        #expect(Percentile.nearestRank(99.5, of: hundred) == .milliseconds(100))
        #expect(Percentile.nearestRank(100, of: hundred) == .milliseconds(100))
        #expect(Percentile.nearestRank(0, of: hundred) == .milliseconds(1))
        #expect(Percentile.nearestRank(1, of: hundred) == .milliseconds(1))
    }

    @Test func unsortedInputIsSorted() {
        #expect(Percentile.nearestRank(50, of: hundred.reversed()) == .milliseconds(50))
        #expect(Percentile.nearestRank(50, of: [.seconds(3), .seconds(1), .seconds(2)]) == .seconds(2))
    }

    @Test func smallSamples() {
        #expect(Percentile.nearestRank(50, of: []) == nil)
        #expect(Percentile.nearestRank(99, of: [.seconds(4)]) == .seconds(4))
        // Nearest rank: ceil(0.5 · 4) = 2nd value; ceil(0.99 · 4) = 4th.
        let four: [Duration] = [.seconds(1), .seconds(2), .seconds(3), .seconds(4)]
        #expect(Percentile.nearestRank(50, of: four) == .seconds(2))
        #expect(Percentile.nearestRank(99, of: four) == .seconds(4))
    }

    @Test func outOfRangePercentagesAreClamped() {
        #expect(Percentile.nearestRank(-5, of: hundred) == .milliseconds(1))
        #expect(Percentile.nearestRank(250, of: hundred) == .milliseconds(100))
    }
}
