public import Logging
import Synchronization

/// Stops calling a cloud that is failing: after `failureThreshold` consecutive transport
/// failures (HTTP 5xx, timeouts, broken connections) it opens and refuses calls with
/// `.circuitOpen` for `cooldown`; then it lets exactly one probe through. The probe's success
/// closes it, its failure opens it for another cooldown. Business errors (device offline,
/// token rejected) prove the cloud is up and count as successes. One per process.
public final class HikCircuitBreaker: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var failureThreshold: Int
        public var cooldown: Duration

        public init(failureThreshold: Int = 5, cooldown: Duration = .seconds(30)) {
            self.failureThreshold = failureThreshold
            self.cooldown = cooldown
        }
    }

    /// What a call admitted by `admit()` ended with.
    enum Outcome { case success, failure, neutral }

    /// Proof of admission; the probe after a cooldown carries `isProbe`.
    struct Ticket { let isProbe: Bool }

    private enum State {
        case closed(failures: Int)
        case open(until: ContinuousClock.Instant)
        case halfOpen(probing: Bool)
    }

    public let configuration: Configuration
    private let state = Mutex(State.closed(failures: 0))
    private let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Whether calls are currently refused (open, or half-open with its probe out).
    public var isOpen: Bool {
        state.withLock { state in
            switch state {
            case .closed: false
            case .open(let until): ContinuousClock.now < until
            case .halfOpen(let probing): probing
            }
        }
    }

    func admit() throws(HikConnectError) -> Ticket {
        let now = ContinuousClock.now
        let decision: Result<Ticket, HikConnectError> = state.withLock { state in
            switch state {
            case .closed:
                return .success(Ticket(isProbe: false))
            case .open(let until) where now < until:
                return .failure(HikConnectError(.circuitOpen, "circuit open for another \(until - now)"))
            case .open, .halfOpen(probing: false):
                state = .halfOpen(probing: true)
                return .success(Ticket(isProbe: true))
            case .halfOpen(probing: true):
                return .failure(HikConnectError(.circuitOpen, "circuit half-open, probe in flight"))
            }
        }
        return try decision.get()
    }

    func record(_ outcome: Outcome, ticket: Ticket) {
        let cooldown = configuration.cooldown
        let threshold = configuration.failureThreshold
        let change: String? = state.withLock { state in
            switch (outcome, state) {
            case (.success, .closed(failures: 0)):
                return nil
            case (.success, .closed):
                state = .closed(failures: 0)
                return nil
            case (.success, _) where ticket.isProbe:
                state = .closed(failures: 0)
                return "Circuit closed"
            case (.failure, _) where ticket.isProbe:
                state = .open(until: .now + cooldown)
                return "Circuit reopened after a failed probe"
            case (.failure, .closed(let failures)):
                guard failures + 1 >= threshold else {
                    state = .closed(failures: failures + 1)
                    return nil
                }
                state = .open(until: .now + cooldown)
                return "Circuit opened"
            case (.neutral, .halfOpen(probing: true)) where ticket.isProbe:
                state = .halfOpen(probing: false)
                return nil
            default:
                return nil
            }
        }
        guard let change else { return }
        HikMetrics.circuit(open: outcome == .failure)
        if outcome == .failure {
            logger.warning("\(change)", metadata: ["lookout.hik.cooldown_ms": "\(cooldown.microseconds / 1000)"])
        } else {
            logger.notice("\(change)")
        }
    }
}
