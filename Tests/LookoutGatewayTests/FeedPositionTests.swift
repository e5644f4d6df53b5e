import LookoutCore
import LookoutNotify
import Testing

@testable import LookoutGateway

/// The hub's (and each dashboard's) decisions on the notification feed: deliver, skip a repeat,
/// fill a gap from the history, or start over from a snapshot when the epoch changed.
@Suite struct FeedPositionTests {
    let epoch = "a1b2c3d4e5f6"

    func at(_ seq: Int64, _ epoch: String? = nil) -> NotificationPosition {
        NotificationPosition(epoch: epoch ?? self.epoch, seq: seq)
    }

    @Test func consecutiveNotificationsAreDeliveredAndRepeatsSkipped() {
        var feed = FeedPosition(at(10))
        do { let result = feed.receive(at(11)); #expect(result == .deliver) }
        do { let result = feed.receive(at(12)); #expect(result == .deliver) }
        do { let result = feed.receive(at(12)); #expect(result == .skip) }
        do { let result = feed.receive(at(7)); #expect(result == .skip, "an older one within the epoch is a repeat from a catch-up") }
        #expect(feed.current == at(12))
    }

    @Test func aGapAsksForTheHistoryBeforeTheNotification() {
        var feed = FeedPosition(at(10))
        do { let result = feed.receive(at(15)); #expect(result == .fill(after: 10, through: 14)) }
        #expect(feed.current == at(10), "not delivered until the gap is filled")
        for seq in 11...14 { let result = feed.receive(at(Int64(seq))); #expect(result == .deliver) }
        do { let result = feed.receive(at(15)); #expect(result == .deliver) }
    }

    @Test func anotherEpochIsVerifiedNotTrusted() {
        var feed = FeedPosition(at(1234))
        do { let result = feed.receive(at(1, "ffff00001111")); #expect(result == .verify) }
        #expect(feed.current == at(1234))
        // Redis says the feed moved on: start over from a snapshot.
        do { let result = feed.observe(at(1, "ffff00001111")); #expect(result == .resync(.newEpoch)) }
        feed.reset(to: at(0, "ffff00001111"))
        do { let result = feed.receive(at(1, "ffff00001111")); #expect(result == .deliver) }
        // A late one from the epoch left behind: Redis still says the new epoch, so it is dropped.
        do { let result = feed.receive(at(1235)); #expect(result == .verify) }
        do { let result = feed.observe(at(1, "ffff00001111")); #expect(result == .upToDate) }
        do { let result = feed.receive(at(1235)); #expect(result == .verify) }
    }

    @Test func observationsFillStartOrResync() {
        var feed = FeedPosition()
        do { let result = feed.observe(at(40)); #expect(result == .started) }
        #expect(feed.current == at(40))
        do { let result = feed.observe(at(40)); #expect(result == .upToDate) }
        do { let result = feed.observe(at(6_145)); #expect(result == .fill(after: 40, through: 6_145)) }
        do { let result = feed.observe(at(3)); #expect(result == .resync(.sequenceBackwards), "the counter restarted without a new epoch") }
        feed.forget()
        do { let result = feed.receive(at(9)); #expect(result == .deliver, "after a failure the next one starts the position again") }
    }

    @Test func aSnapshotFromTheHubIsSentUnlessTheDashboardIsAhead() {
        var feed = FeedPosition(at(20))
        do { let result = feed.offer(snapshot: at(18)); #expect(!result, "older than what the dashboard has") }
        do { let result = feed.offer(snapshot: at(25)); #expect(result) }
        #expect(feed.current == at(25))
        do { let result = feed.offer(snapshot: at(0, "0123456789ab")); #expect(result, "another epoch always replaces") }
    }

    @Test func positionsAreReadFromTheNotificationsFirstFields() {
        #expect(NotificationPosition(json: #"{"seq":42,"epoch":"a1b2c3d4e5f6","type":"nvr","nvr":{}}"#) == at(42))
        #expect(NotificationPosition(json: #"{"seq":7,"type":"alert"}"#) == NotificationPosition(epoch: "", seq: 7), "before epochs")
        #expect(NotificationPosition(json: #"{"type":"snapshot","seq":1}"#) == nil)
        #expect(NotificationPosition(json: #"{"seq":,"epoch":"x"}"#) == nil)
        #expect(NotificationPosition(json: #"{"seq":3,"epoch":"unterminated"#) == nil)
        let made = NotificationEpoch.make()
        #expect(made.count == 12 && made.allSatisfy(\.isHexDigit))
        #expect(made != NotificationEpoch.make())
    }
}

/// The dashboard's first message names its position: `lastSeq` and the `epoch` it belongs to.
@Suite struct DashboardHelloTests {
    @Test func theEpochIsReadAndChecked() throws {
        let hello = try ClientMessage.decode(#"{"type":"dashboard","token":"lk_x","lastSeq":12,"epoch":"a1b2c3d4e5f6"}"#)
        #expect(hello == .dashboard(token: "lk_x", lastSeq: 12, epoch: "a1b2c3d4e5f6"))
        #expect(try ClientMessage.decode(#"{"type":"dashboard","token":"lk_x","lastSeq":12}"#) == .dashboard(token: "lk_x", lastSeq: 12, epoch: nil))
        for bad in [#""""#, #""a\"b""#, "\"\(String(repeating: "a", count: 65))\"", "7"] {
            let error = #expect(throws: ProtocolError.self) { try ClientMessage.decode(#"{"type":"dashboard","token":"lk_x","epoch":\#(bad)}"#) }
            #expect(error?.description.contains("epoch") == true, "\(bad): \(String(describing: error))")
        }
    }

    @Test func theSnapshotCarriesTheEpoch() {
        #expect(ServerMessage.snapshot(seq: 3, epoch: "a1b2c3d4e5f6", nvrs: []).json == #"{"type":"snapshot","seq":3,"epoch":"a1b2c3d4e5f6","nvrs":[]}"#)
    }
}
