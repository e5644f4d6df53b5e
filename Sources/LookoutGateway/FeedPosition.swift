import LookoutNotify

/// How far a follower of the notification feed (the hub, or one dashboard) has got, and what
/// to do with the next thing it learns. Pure: the hub and the dashboard socket do the I/O the
/// answer asks for (read the history, take a snapshot) and tell it the result.
///
/// Within one epoch the sequence only grows, one by one; a number at or below the current one
/// is a repeat (the catch-up read it from the history before pub/sub brought it). Another epoch,
/// or a sequence below ours in the position Redis reports, means Redis lost the feed: nothing
/// from before can be compared with what comes after, so the follower starts over from a snapshot.
struct FeedPosition: Sendable, Equatable {
    /// The last notification delivered (or the snapshot's position); nil before the first.
    private(set) var current: NotificationPosition?

    init(_ current: NotificationPosition? = nil) {
        self.current = current
    }

    enum Resync: String, Sendable, Equatable {
        /// The feed has another epoch (Redis lost its data, or a key was evicted).
        case newEpoch = "new_epoch"
        /// The sequence went backwards within the epoch.
        case sequenceBackwards = "sequence_backwards"
        /// Notifications were missed and the history no longer holds them all.
        case gap
    }

    /// What to do with a notification that arrived at `position`.
    enum Step: Sendable, Equatable {
        /// Send it: it is the next one (now the current position).
        case deliver
        /// Already delivered.
        case skip
        /// Deliver the history's `after + 1 … through` first, then this one.
        case fill(after: Int64, through: Int64)
        /// Another epoch: ask Redis for its position (``observe(_:)``): either the feed really
        /// moved to a new epoch, or this is a late one from an epoch already left.
        case verify
    }

    mutating func receive(_ position: NotificationPosition) -> Step {
        guard let current else {
            self.current = position
            return .deliver
        }
        guard position.epoch == current.epoch else { return .verify }
        if position.seq <= current.seq { return .skip }
        if position.seq == current.seq + 1 {
            self.current = position
            return .deliver
        }
        return .fill(after: current.seq, through: position.seq - 1)
    }

    /// What to do now that Redis says the newest notification is at `newest`.
    enum Observation: Sendable, Equatable {
        /// Had no position: starts at `newest`.
        case started
        case upToDate
        /// Deliver the history's `after + 1 … through`.
        case fill(after: Int64, through: Int64)
        /// Send a snapshot and ``reset(to:)`` its position.
        case resync(Resync)
    }

    mutating func observe(_ newest: NotificationPosition) -> Observation {
        guard let current else {
            self.current = newest
            return .started
        }
        guard newest.epoch == current.epoch else { return .resync(.newEpoch) }
        if newest.seq < current.seq { return .resync(.sequenceBackwards) }
        if newest.seq == current.seq { return .upToDate }
        return .fill(after: current.seq, through: newest.seq)
    }

    /// A snapshot at `position` arrived from elsewhere (the hub's, for a dashboard): whether to
    /// send it. Not when it is older than what the follower has in the same epoch.
    mutating func offer(snapshot position: NotificationPosition) -> Bool {
        if let current, current.epoch == position.epoch, position.seq <= current.seq { return false }
        self.current = position
        return true
    }

    /// After a snapshot taken at `position`.
    mutating func reset(to position: NotificationPosition) {
        current = position
    }

    /// Position unknown (after a failure): the next notification or observation starts it again.
    mutating func forget() {
        current = nil
    }
}
