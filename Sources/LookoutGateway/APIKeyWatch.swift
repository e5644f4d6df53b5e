import Logging
import LookoutCore
import LookoutStore
import ServiceLifecycle

/// Keeps open dashboards honest about their API keys, as one Service:
/// - every ``Options/checkInterval`` (1 s) asks PostgreSQL which of the open dashboards' keys
///   no longer work (revoked by the API, the CLI or by hand, or expired) and closes those
///   dashboards with 4006: revoking a key closes its dashboards on every gateway within about a
///   second, with no message to lose;
/// - every ``Options/usageFlushInterval`` (10 s), and once at shutdown, writes `last_used_at`
///   for the keys used since the last batch, in one statement.
struct APIKeyWatch: Service {
    struct Options: Sendable {
        var checkInterval: Duration = .seconds(1)
        var usageFlushInterval: Duration = .seconds(10)
    }

    let authenticator: APIKeyAuthenticator
    let hub: DashboardHub
    let options: Options
    let logger: Logger

    func run() async throws {
        var sinceFlush: Duration = .zero
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: options.checkInterval) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            await closeDashboardsOfUnusableKeys()
            sinceFlush += options.checkInterval
            if sinceFlush >= options.usageFlushInterval {
                sinceFlush = .zero
                await flushUsage()
            }
        }
        await flushUsage()
    }

    func closeDashboardsOfUnusableKeys() async {
        let open = hub.keyIDs
        guard !open.isEmpty else { return }
        do {
            let gone = try await authenticator.keys.unusable(ids: open.sorted())
            guard !gone.isEmpty else { return }
            let closed = hub.close(keyIDs: gone, code: .tokenRevoked)
            logger.info("Closed dashboards of revoked or expired API keys", metadata: ["lookout.dashboards": "\(closed)", "lookout.api_key.ids": "\(gone.sorted())"])
        } catch {
            logger.warning("Could not check dashboards' API keys", metadata: ["lookout.store.error": "\(error.message)"])
        }
    }

    func flushUsage() async {
        let used = authenticator.drainUsed()
        guard !used.isEmpty else { return }
        do {
            try await authenticator.keys.recordUse(ids: used)
        } catch {
            logger.warning("Could not record API key use", metadata: ["lookout.store.error": "\(error.message)"])
        }
    }
}
