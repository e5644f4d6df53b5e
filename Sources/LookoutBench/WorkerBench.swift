import Foundation
public import Logging
import LookoutCore
import LookoutNotify
import LookoutRedis
import LookoutStore
import LookoutWorkers
import PostgresNIO
import ServiceLifecycle

/// `lookout bench worker --events N`: N presence state changes preloaded into the stream, then
/// drained by the real `PresenceWorker` (its SQL, notifications and acks); reports changes
/// applied per second. In the same run it measures the ceilings: `redis-benchmark` XADD with the
/// same payload, and `pgbench` running the worker's own batched UPDATE on a table of the
/// same shape (`nvrs`), so the result reads as a share of what the machine can do.
public struct WorkerBench: Sendable {
    public var events: Int
    public var nvrs: Int
    public var batchSize: Int
    /// Consumers draining the stream at once (the worker file's `concurrency`).
    public var consumers: Int
    public var redisURL: String
    public var databaseURL: String
    public var logger: Logger

    public init(events: Int, nvrs: Int, batchSize: Int, consumers: Int = 2, redisURL: String, databaseURL: String, logger: Logger) {
        self.events = events
        self.nvrs = nvrs
        self.batchSize = batchSize
        self.consumers = max(1, consumers)
        self.redisURL = redisURL
        self.databaseURL = databaseURL
        self.logger = logger
    }

    public func run() async throws {
        try await BenchCleanup.around(measure)
    }

    private func measure(_ cleanup: BenchCleanup) async throws {
        let database = try await BenchDatabase.create(adminURL: databaseURL, logger: logger)
        cleanup.add { await database.drop() }
        let credentials = try await database.provision(nvrs: nvrs)
        let keys = RedisKeys(prefix: "\(database.name):")
        let redisConfiguration = try RedisConfiguration(url: redisURL)
        let redis = RedisClient(configuration: redisConfiguration, logger: logger)
        cleanup.add { await redis.close() }

        // Every event changes state: per NVR, connected v1, disconnected v1, connected v2, …
        var commands: [RedisCommand] = []
        commands.reserveCapacity(events)
        for index in 0..<events {
            let nvr = credentials[index % nvrs].hostname
            let round = index / nvrs
            let event = PresenceEvent(
                kind: round % 2 == 0 ? .connected : .disconnected, hostname: nvr, version: Int64(round / 2 + 1), sessionID: Self.sessionID(nvr: index % nvrs, connection: round / 2),
                gatewayID: "bench", at: 1_700_000_000_000 + Int64(index))
            commands.append(.xadd(keys.presenceStream, fields: event.streamFields))
        }
        let preloadStarted = ContinuousClock.now
        var lastID = ""
        for chunk in stride(from: 0, to: commands.count, by: 10_000) {
            let replies = try await redis.pipelineChecked(Array(commands[chunk..<min(chunk + 10_000, commands.count)]))
            lastID = replies.last?.string ?? lastID
        }
        let preload = ContinuousClock.now - preloadStarted

        var report = BenchReport(bench: "worker")
        report.note("events", events, label: "presence state changes")
        report.note("batchSize", batchSize, label: "batch size")
        report.note("consumers", consumers, label: "worker consumers")
        report.add("preloadXaddPerSecond", Double(events) / preload.seconds, unit: "/s", label: "our client: pipelined XADD")

        let postgres = PostgresClient(configuration: try PostgresClient.Configuration(url: database.url), backgroundLogger: logger)
        var options = PresenceWorkerOptions()
        options.batchSize = batchSize
        options.block = .milliseconds(100)
        // As `lookout worker` builds them: one Redis client per consumer (XREADGROUP BLOCK holds it).
        let consumerClients = (0..<consumers).map { _ in RedisClient(configuration: redisConfiguration, logger: logger) }
        let workers = consumerClients.enumerated().map { index, consumerRedis in
            PresenceWorker(
                options: options, keys: keys, redis: consumerRedis, store: PostgresPresenceStore(client: postgres),
                nvrs: PostgresNVRRepository(client: postgres), notifier: NotificationPublisher(redis: redis, keys: keys), consumer: "bench-\(index)",
                logger: logger)
        }
        let started = ContinuousClock.now
        let drained: Bool = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                await postgres.run()
                return false
            }
            for worker in workers {
                group.addTask {
                    try await worker.run()
                    return false
                }
            }
            defer { group.cancelAll() }
            return try await until(timeout: .seconds(600), every: .milliseconds(50)) {
                guard let delivered = try? await redis.lastDeliveredID(keys.presenceStream, group: options.group), delivered == lastID else {
                    return false
                }
                return try await redis.xpending(keys.presenceStream, group: options.group).count == 0
            }
        }
        let elapsed = ContinuousClock.now - started
        for client in consumerClients { await client.close() }
        guard drained else { throw BenchError("the worker did not drain the stream") }
        let applied = Double(events) / elapsed.seconds
        report.add("changesPerSecond", applied, unit: "/s", label: "worker: changes applied", target: "≥ 50,000 /s")

        let pgCeiling = try await pgbenchCeiling(database: database)
        report.add("pgbenchRowsPerSecond", pgCeiling, unit: "rows/s", label: "ceiling: pgbench, the worker's UPDATE (\(batchSize) rows, \(consumers) clients)")
        report.add("shareOfPgbench", applied / pgCeiling * 100, unit: "%", label: "worker / pgbench ceiling", target: "≥ 60 %")
        if let xadd = redisBenchmarkXADD(redisConfiguration, key: keys.prefix + "bench-xadd") {
            report.add("redisBenchmarkXaddPerSecond", xadd, unit: "/s", label: "ceiling: redis-benchmark XADD, same payload")
        }
        report.print()
    }

    /// `pgbench` running the worker's own UPDATE (`PostgresPresenceStore.nvrUpdateSQL`) on the
    /// bench's `nvrs`: each transaction changes a random window of `batchSize` rows to a random
    /// status, its arrays built by PostgreSQL instead of bound by the client.
    private func pgbenchCeiling(database: BenchDatabase) async throws -> Double {
        let script = NSTemporaryDirectory() + "lookout-pgbench-\(getpid()).sql"
        func filled(_ value: String, _ type: String) -> String { "array_fill(\(value)::\(type), ARRAY[\(batchSize)])" }
        let arrays = [
            "$1": "ARRAY(SELECT generate_series(:start, :start + \(batchSize - 1))::bigint)",
            "$2": filled("(CASE WHEN :online = 1 THEN 'online' ELSE 'offline' END)", "text"),
            "$3": filled(":version", "bigint"),
            "$4": filled("(extract(epoch FROM now()) * 1000)", "bigint"),
            "$5": filled("'\(Self.sessionID(nvr: 0, connection: 0))'", "text"),
            "$6": filled("'bench'", "text"),
            "$7": filled("(extract(epoch FROM now()) * 1000)", "bigint"),
        ]
        var update = PostgresPresenceStore.nvrUpdateSQL
        for (parameter, array) in arrays { update = update.replacingOccurrences(of: "\(parameter)::bigint[]", with: array).replacingOccurrences(of: "\(parameter)::text[]", with: array) }
        try """
        \\set start random(1, \(max(1, nvrs - batchSize)))
        \\set online random(0, 1)
        \\set version random(1, 1000000000)
        \(update.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " "));
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // `-t`, not `-T`: pgbench times `-T` with SIGALRM, which a child of this process inherits blocked.
        // As many clients as the worker has consumers: the same concurrency on the same machine.
        process.arguments = ["pgbench", "-n", "-c", String(consumers), "-j", String(consumers), "-t", "100", "-f", script, database.url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst("tps = ".count).split(separator: " ").first ?? "")
        else { throw BenchError("pgbench gave no tps: \(text)") }
        return tps * Double(batchSize)
    }

    /// A session id per NVR and connection, shaped like the gateway's (a lowercase UUID), so each
    /// connection is its own `nvr_sessions` row as in production.
    static func sessionID(nvr: Int, connection: Int) -> String {
        String(format: "%08x-0000-4000-8000-%012x", nvr, connection)
    }

    private func redisBenchmarkXADD(_ configuration: RedisConfiguration, key: String) -> Double? {
        let payload = PresenceEvent(kind: .connected, hostname: "bench-nvr-000001", version: 1, sessionID: Self.sessionID(nvr: 0, connection: 0), gatewayID: "bench", at: 1_700_000_000_000)
        let rps = RedisBenchmark.requestsPerSecond(
            configuration, test: "XADD", arguments: ["-P", "500", "-n", String(events), "XADD", key, "*"] + payload.streamFields.flatMap { [$0.0, $0.1] })
        let cleanup = Process()
        cleanup.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
        cleanup.arguments = ["-h", configuration.host, "-p", String(configuration.port), "DEL", key]
        cleanup.standardOutput = FileHandle.nullDevice
        try? cleanup.run()
        cleanup.waitUntilExit()
        return rps
    }
}
