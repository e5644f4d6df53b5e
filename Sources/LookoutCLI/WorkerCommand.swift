import ArgumentParser
import Foundation
import LookoutCore
import LookoutNotify
import LookoutMediaMTX
import LookoutRedis
import LookoutStore
import LookoutWorkers
import Metrics
import PostgresNIO
import Prometheus
import ServiceLifecycle

/// `lookout worker --worker workers/presence.yml [--worker workers/sweeper.yml]`: the workers
/// the files name, in one process, with their status server (``WorkerStatusServer``).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run the workers named by workers/NAME.yml files; /healthz, /readyz, /metrics on LOOKOUT_WORKER_HTTP_PORT.")

    @OptionGroup var settings: SettingsOptions
    @Option(name: .customLong("worker"), help: "A worker file (workers/NAME.yml); repeat for several workers in one process.")
    var workerFiles: [String] = ["workers/presence.yml", "workers/sweeper.yml"]

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL, .databaseURL])
        let files = workerFiles.map { path in
            do throws(ConfigurationError) {
                return try WorkerFile.parse(try SettingsOptions.read(path), fileName: path)
            } catch {
                SettingsOptions.exitWithConfigurationError(error)
            }
        }
        let logger = LoggingBootstrap.logger("lookout.worker")
        // Every swift-metrics counter in this process (workers, cloud client, pools) lands in
        // one registry, served on /metrics with /healthz and /readyz.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let redisConfiguration = settings.redisConfiguration()
        let postgres = PostgresClient(configuration: settings.postgresConfiguration(), backgroundLogger: logger)
        let redis = RedisClient(configuration: redisConfiguration, logger: logger)
        let notifier = NotificationPublisher(redis: redis, keys: settings.keys)
        // Presence (workers and sweeper) on a supervised pool: replaced when it stays stuck
        // behind its backoff after PostgreSQL is back (PostgresClientSupervisor).
        let presencePostgres = PostgresClientSupervisor(configuration: settings.postgresConfiguration(), logger: logger)
        let store = PostgresPresenceStore(supervisor: presencePostgres)
        let nvrs = PostgresNVRRepository(supervisor: presencePostgres)
        let host = ProcessInfo.processInfo.hostName
        let streams = StreamsFactory(settings: settings, redis: redis, postgres: postgres, logger: logger)
        for file in files {
            registry.makeGauge(
                descriptor: .init(namespace: "lookout", metricName: "worker_running", unitName: "", helpText: "Workers this process runs, by kind"),
                labels: [("kind", file.kindName)]
            ).set(to: 1)
        }
        // Gauges read at each scrape, for the kinds this process runs.
        var samplers: [WorkerStatusServer.Check] = []
        for file in files {
            switch file {
            case .presence(let options): samplers.append(WorkerGauges.presence(redis: redis, keys: settings.keys, options: options))
            case .renewal: samplers.append(WorkerGauges.renewals(redis: redis, keys: settings.keys, store: PostgresRenewalStore(client: postgres)))
            case .sweeper, .snapshot, .mediamtxSync, .alerts: break
            }
        }
        let status = WorkerStatusServer(
            host: settings.httpHost, port: settings.workerHTTPPort, registry: registry,
            checks: [
                .init("redis") { try await redis.ping() },
                .init("postgres") { _ = try await postgres.query("SELECT 1", logger: logger).collect() },
            ], samplers: samplers, logger: logger)
        // The status server is first: it answers /healthz while the workers start, and its
        // readiness follows Redis and PostgreSQL, which start (and stop) around the workers.
        var services: [any Service] = [status, redis, postgres]
        if files.contains(where: { if case .presence = $0 { true } else if case .sweeper = $0 { true } else { false } }) {
            services.append(presencePostgres)
        }
        for file in files {
            switch file {
            case .presence(let options):
                for index in 0..<options.concurrency {
                    // A blocking XREADGROUP holds its connection: each consumer has its own client.
                    let consumerRedis = RedisClient(configuration: redisConfiguration, logger: logger)
                    services.insert(consumerRedis, at: 0)
                    services.append(
                        PresenceWorker(
                            options: options, keys: settings.keys, redis: consumerRedis, store: store, nvrs: nvrs, notifier: notifier,
                            consumer: "\(host)-\(getpid())-\(index)-\(UUID().uuidString.prefix(8))", logger: logger,
                            postgresUnreachable: { presencePostgres.reportFailure() }))
                }
            case .sweeper(let options):
                services.append(
                    PresenceSweeper(
                        options: options, keys: settings.keys, heartbeatInterval: settings.heartbeatInterval, flapGrace: settings.flapGrace,
                        redis: redis, store: store, notifier: notifier, logger: logger))
            case .renewal(let options):
                services.append(
                    RenewalWorker(
                        options: options, queue: streams.queue,
                        store: PostgresRenewalStore(client: postgres, cipher: streams.requireCipher(for: "the renewal worker")),
                        provider: streams.requireHikConnect(for: "the renewal worker"), redis: redis, keys: settings.keys, logger: logger,
                        alerts: AlertRecorder(alerts: PostgresAlertRepository(client: postgres, logger: logger), notifier: notifier, logger: logger),
                        expiryWarning: settings.alerts.expiryWarning))
            case .alerts(let options):
                services.append(
                    AlertWebhookWorker(options: options, settings: settings.alerts, outbox: PostgresAlertOutbox(client: postgres, logger: logger), logger: logger))
            case .snapshot(let every):
                services.append(
                    SnapshotWorker(
                        every: every, inventory: streams.requireHikConnect(for: "the snapshot worker"), store: PostgresDiscoveryStore(client: postgres),
                        logger: logger))
            case .mediamtxSync(let file):
                var options = MediaMTXSyncOptions(configPath: settings.streams.mediamtxConfigPath)
                options.filePermissions = streams.mediamtxFilePermissions()
                options.leaseTTL = file.lease
                options.leaseRenewInterval = file.lease / 3
                options.reconcileInterval = file.reconcileEvery
                options.minWriteInterval = file.minWriteInterval
                let api = MediaMTXAPIClient(
                    configuration: .init(
                        baseURL: settings.streams.mediamtxAPIURL, username: settings.streams.mediamtxAPIUser,
                        password: settings.streams.mediamtxAPIPassword),
                    logger: logger)
                services.append(
                    MediaMTXSync(
                        options: options,
                        source: PostgresStreamPaths(
                            client: postgres, cipher: streams.requireCipher(for: "the MediaMTX sync"), swapMargin: file.swapDeadlineBeforeExpiry),
                        api: api,
                        redis: redis, keys: settings.keys, logger: logger))
            }
        }
        try await RoleRunner.run(services, logger: logger)
    }
}
