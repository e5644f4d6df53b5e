public import Logging
import Metrics
public import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// A `PostgresClient` that is replaced when its pool cannot lend a connection although
/// PostgreSQL accepts new ones.
///
/// Why: PostgresNIO's pool (1.33) retries a failed server through one connection with a growing
/// backoff (100 ms × 1.25ⁿ, capped at 60 s, not configurable) and, once creation has failed for
/// 60 s with no connection open, trips a circuit breaker that fails every request at once with
/// `connectionCreationCircuitBreakerTripped` until that one retry succeeds. After a PostgreSQL
/// outage of 3 minutes the next retry was ~36 s away: the workers went on failing that long
/// after the server was ready. Requests made in the first 60 s of an outage wait in the pool's
/// queue for that same retry.
///
/// What it does: every ``Options/checkInterval`` it runs `SELECT 1` on the current client,
/// bounded by ``Options/checkTimeout`` (a healthy pool answers in milliseconds). When that
/// fails it builds a fresh client and asks it the same; if the fresh one answers, it takes the
/// old one's place (``client`` returns it from then on) and the old one is shut down, which
/// fails the requests still queued in it at once so their callers retry on the new one. While
/// PostgreSQL is down the fresh clients fail too and the current one stays.
/// ``reportFailure()`` runs a check at once instead of at the next interval.
///
/// Clients of this process that other code holds directly (`PostgresClient` values) are not
/// affected: only code that reads ``client`` for each use follows a replacement.
public final class PostgresClientSupervisor: Service, Sendable {
    public struct Options: Sendable, Equatable {
        /// How often the current client is checked.
        public var checkInterval: Duration = .seconds(1)
        /// How long a check (and a fresh client's first `SELECT 1`) may take.
        public var checkTimeout: Duration = .seconds(2)
        public init() {}
    }

    private struct Current: Sendable {
        var client: PostgresClient
        var generation: Int
    }

    private let configuration: PostgresClient.Configuration
    private let options: Options
    private let logger: Logger
    private let current: Mutex<Current>
    private let stopping = Mutex(false)
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let replacements = Counter(label: "lookout_postgres_pool_replacements_total")

    public init(configuration: PostgresClient.Configuration, options: Options = .init(), logger: Logger) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.current = Mutex(Current(client: PostgresClient(configuration: configuration, backgroundLogger: logger), generation: 0))
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The client to use now. Read it for every use: it changes when a stuck pool is replaced.
    public var client: PostgresClient { current.withLock { $0.client } }

    /// How many times the pool was replaced.
    public var generation: Int { current.withLock { $0.generation } }

    /// A caller saw a connection failure: check now rather than at the next interval.
    public func reportFailure() {
        wake.yield()
    }

    public func run() async {
        var running = current.withLock { $0 }
        await withDiscardingTaskGroup { group in
            var retire = Self.start(running.client, in: &group)
            await withGracefulShutdownHandler {
                while !Task.isCancelled && !stopping.withLock({ $0 }) {
                    if let failure = await Self.answers(running.client, within: options.checkTimeout), !stopping.withLock({ $0 }) {
                        // Try a fresh pool; it must run to answer.
                        let fresh = PostgresClient(configuration: configuration, backgroundLogger: logger)
                        let retireFresh = Self.start(fresh, in: &group)
                        if await Self.answers(fresh, within: options.checkTimeout) == nil {
                            running = Current(client: fresh, generation: running.generation + 1)
                            current.withLock { $0 = running }
                            retire.finish()
                            retire = retireFresh
                            replacements.increment()
                            logger.warning(
                                "PostgreSQL pool replaced: it could not lend a connection while PostgreSQL accepts new ones",
                                metadata: ["lookout.postgres.generation": "\(running.generation)", "lookout.error": "\(failure)"])
                        } else {
                            retireFresh.finish()
                            logger.debug("PostgreSQL unreachable", metadata: ["lookout.error": "\(failure)"])
                        }
                    }
                    await waitForNextCheck()
                }
            } onGracefulShutdown: {
                self.stopping.withLock { $0 = true }
                self.wake.yield()
            }
            retire.finish()
        }
    }

    /// Runs `client` in `group` until the returned continuation is finished (or the group ends).
    private static func start(_ client: PostgresClient, in group: inout DiscardingTaskGroup) -> AsyncStream<Void>.Continuation {
        let (retired, retire) = AsyncStream.makeStream(of: Void.self)
        group.addTask {
            await withTaskGroup(of: Void.self) { inner in
                inner.addTask { await client.run() }
                inner.addTask { for await _ in retired {} }
                await inner.next()
                inner.cancelAll()
            }
        }
        return retire
    }

    private func waitForNextCheck() async {
        if stopping.withLock({ $0 }) { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: self.options.checkInterval) }
            group.addTask { for await _ in self.wakeups { return } }
            await group.next()
            group.cancelAll()
        }
    }

    /// nil when `client` ran `SELECT 1` within `limit`; otherwise why not.
    static func answers(_ client: PostgresClient, within limit: Duration) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await client.query("SELECT 1")
                    return nil
                } catch {
                    return "\(String(reflecting: error))"
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return "no connection within \(limit)"
            }
            let first = await group.next() ?? "no answer"
            group.cancelAll()
            return first
        }
    }
}
