import LookoutCore
import Testing

/// The sweeper's trust in the liveness set: one heartbeat interval (here 2 s) of normal answers
/// after any trouble before anyone may expire.
struct LivenessTrustTests {
    static func trusted() -> LivenessTrust {
        var trust = LivenessTrust(grace: 2_000, silenceLimit: 1_000)
        #expect(trust.answered(at: 0) == .started)
        for time in stride(from: Int64(250), through: 2_000, by: 250) { #expect(trust.answered(at: time) == nil) }
        return trust
    }

    @Test func aNewSweeperWaitsOneIntervalFromItsFirstAnswer() {
        var trust = LivenessTrust(grace: 2_000, silenceLimit: 1_000)
        #expect(!trust.mayExpire(readAt: 0))
        #expect(trust.answered(at: 100) == .started)
        #expect(!trust.mayExpire(readAt: 2_099))
        #expect(trust.mayExpire(readAt: 2_100))
        #expect(trust.trustedFrom == 2_100)
    }

    @Test func steadyAnswersKeepTrust() {
        var trust = Self.trusted()
        #expect(trust.mayExpire(readAt: 2_000))
        #expect(trust.answered(at: 2_900) == nil)
        #expect(trust.mayExpire(readAt: 2_900))
    }

    @Test func afterErrorsTheGraceCountsFromTheFirstAnswer() {
        var trust = Self.trusted()
        trust.failed()
        #expect(!trust.mayExpire(readAt: 2_100))
        #expect(trust.trustedFrom == nil)
        trust.failed()
        // Redis is back 60 s later: the answer ends the trouble, and the grace starts there.
        #expect(trust.answered(at: 62_000) == .error)
        #expect(!trust.mayExpire(readAt: 63_999))
        #expect(trust.answered(at: 63_000) == nil)
        #expect(trust.mayExpire(readAt: 64_000))
    }

    @Test func aLateAnswerIsAFreeze() {
        var trust = Self.trusted()
        // A frozen Redis answers the command it held when it resumes, 15 s later, without error.
        #expect(trust.answered(at: 17_000) == .silence)
        #expect(!trust.mayExpire(readAt: 17_000))
        #expect(trust.mayExpire(readAt: 19_000))
    }

    @Test func aReconnectOrADataLossStartsTheGraceToo() {
        var trust = Self.trusted()
        #expect(trust.answered(at: 2_100, reconnected: true) == .reconnect)
        #expect(!trust.mayExpire(readAt: 4_000))
        #expect(trust.answered(at: 4_100, dataLost: true) == .dataLost)
        #expect(!trust.mayExpire(readAt: 6_000))
        #expect(trust.mayExpire(readAt: 6_100))
    }
}
