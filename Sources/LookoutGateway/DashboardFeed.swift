import LookoutCore
import LookoutNotify
import LookoutStore

/// What the hub hands a dashboard's socket, in order.
enum DashboardFeedItem: Sendable, Equatable {
    /// A notification as the worker published it.
    case notification(String, NotificationPosition)
    /// A fresh snapshot (the feed was reset, or a gap could not be filled): replaces the
    /// dashboard's state. With the states it holds, for the hub's session checks.
    case snapshot(String, NotificationPosition, [NVRState])
}

/// A snapshot for dashboards: the feed's position read first, then PostgreSQL, so a change
/// after it arrives as a notification (a repeat is harmless: an NVR's state replaces the old).
struct DashboardSnapshots: Sendable {
    let history: NotificationHistory
    let nvrs: PostgresNVRRepository

    func make() async throws -> (json: String, position: NotificationPosition, nvrs: [NVRState]) {
        let position = try await history.position()
        let state = try await nvrs.snapshot()
        return (ServerMessage.snapshot(seq: position.seq, epoch: position.epoch, nvrs: state).json, position, state)
    }
}

/// Follows the notification feed for one follower (the hub for all its dashboards, or one
/// dashboard socket): ``FeedPosition`` decides, this reads the history or takes a snapshot and
/// sends what the follower must see, in order. Returns why it resynchronised, if it did.
struct FeedFollower: Sendable {
    let history: NotificationHistory
    let snapshots: DashboardSnapshots

    typealias Send = (DashboardFeedItem) async throws -> Void

    /// A notification arrived at `position`.
    func receive(_ payload: String, at position: NotificationPosition, feed: inout FeedPosition, send: Send) async throws -> FeedPosition.Resync? {
        let resync: FeedPosition.Resync?
        switch feed.receive(position) {
        case .deliver:
            try await send(.notification(payload, position))
            return nil
        case .skip:
            return nil
        case .fill(_, let through):
            resync = try await fill(through: through, feed: &feed, send: send)
        case .verify:
            resync = try await synchronize(feed: &feed, send: send)
        }
        // Now at or past the one before it, or in its epoch after a snapshot (else it is late).
        if feed.receive(position) == .deliver { try await send(.notification(payload, position)) }
        return resync
    }

    /// Compares with the feed's position in Redis (after a resubscription, or another epoch
    /// seen): fills what was missed, or resynchronises.
    func synchronize(feed: inout FeedPosition, send: Send) async throws -> FeedPosition.Resync? {
        switch feed.observe(try await history.position()) {
        case .started, .upToDate:
            return nil
        case .fill(_, let through):
            return try await fill(through: through, feed: &feed, send: send)
        case .resync(let reason):
            try await resync(feed: &feed, send: send)
            return reason
        }
    }

    /// Delivers the history after the current position through `through`; a snapshot when the
    /// history does not hold them all.
    private func fill(through last: Int64, feed: inout FeedPosition, send: Send) async throws -> FeedPosition.Resync? {
        guard let from = feed.current else { return nil }
        var position = feed
        let reached = try await history.replay(after: from.seq, epoch: from.epoch, through: last) { payload, at in
            if position.receive(at) == .deliver { try await send(.notification(payload, at)) }
        }
        feed = position
        if reached != nil { return nil }
        try await resync(feed: &feed, send: send)
        return .gap
    }

    private func resync(feed: inout FeedPosition, send: Send) async throws {
        let snapshot = try await snapshots.make()
        feed.reset(to: snapshot.position)
        try await send(.snapshot(snapshot.json, snapshot.position, snapshot.nvrs))
    }
}
