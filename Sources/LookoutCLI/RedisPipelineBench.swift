import ArgumentParser
import Foundation
import LookoutBench
import LookoutCore
import LookoutRedis

/// Shows that a pipeline costs about one round trip: the median latency of one PING, of N
/// pipelined SETs, and of the same N SETs sent one after another, measured in one run.
struct RedisPipelineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-pipeline", abstract: "Round trip of one command vs. an N-command pipeline vs. N sequential commands.")

    @OptionGroup var settings: SettingsOptions
    @Option(help: "Commands in the pipeline.") var commands = 10_000
    @Option(help: "Repetitions; medians are reported.") var runs = 7

    func run() async throws {
        let settings = try settings.load(requiring: [.redisURL])
        let client = RedisClient(configuration: settings.redisConfiguration(), logger: LoggingBootstrap.logger("lookout.bench"))
        let key = settings.keys.prefix + "bench:pipeline"
        let batch = (0..<commands).map { RedisCommand.set("\(key):\($0)", String($0)) }
        try await client.ping()

        let clock = ContinuousClock()
        var single: [Duration] = []
        var pipelined: [Duration] = []
        var sequential: [Duration] = []
        for _ in 0..<runs {
            single.append(try await clock.measure { for _ in 0..<100 { try await client.ping() } } / 100)
            pipelined.append(try await clock.measure { _ = try await client.pipelineChecked(batch) })
            sequential.append(try await clock.measure { for command in batch { try await client.send(command) } })
        }
        _ = try await client.pipeline((0..<commands).map { RedisCommand.del(["\(key):\($0)"]) })
        await client.close()

        let configuration = settings.redisConfiguration()
        let ceiling = (0..<runs).compactMap { _ in Self.redisBenchmarkMicros(configuration, commands: commands) }.sorted()
        let result = Result(
            commands: commands, runs: runs, singleRoundTripMicros: Self.median(single), pipelineMicros: Self.median(pipelined),
            sequentialMicros: Self.median(sequential), redisBenchmarkPipelineMicros: ceiling.isEmpty ? nil : ceiling[ceiling.count / 2])
        let json = try JSONEncoder().encode(result)
        print(String(decoding: json, as: UTF8.self))
        print(
            """
            | measure (median of \(runs)) | µs |
            | --- | ---: |
            | one PING round trip | \(result.singleRoundTripMicros) |
            | \(commands) SETs, one pipeline | \(result.pipelineMicros) |
            | \(commands) SETs, one at a time | \(result.sequentialMicros) |
            | ceiling: redis-benchmark -P \(commands), same SETs | \(result.redisBenchmarkPipelineMicros.map(String.init) ?? "n/a") |
            pipeline = \(String(format: "%.1f", Double(result.pipelineMicros) / Double(max(1, result.singleRoundTripMicros)))) round trips; \
            sequential / pipeline = \(String(format: "%.1f", Double(result.sequentialMicros) / Double(max(1, result.pipelineMicros))))×
            """)
    }

    struct Result: Encodable {
        let bench = "redis-pipeline"
        let commands: Int
        let runs: Int
        let singleRoundTripMicros: Int64
        let pipelineMicros: Int64
        let sequentialMicros: Int64
        let redisBenchmarkPipelineMicros: Int64?
    }

    /// The server's own ceiling: the same number of SETs as one pipeline, in µs for the batch.
    static func redisBenchmarkMicros(_ configuration: RedisConfiguration, commands: Int) -> Int64? {
        RedisBenchmark.requestsPerSecond(
            configuration, test: "SET", arguments: ["-n", String(commands), "-P", String(commands), "-t", "set"]
        ).map { Int64(Double(commands) / $0 * 1_000_000) }
    }

    static func median(_ values: [Duration]) -> Int64 {
        let sorted = values.sorted()
        let middle = sorted[sorted.count / 2]
        return middle.components.seconds * 1_000_000 + middle.components.attoseconds / 1_000_000_000_000
    }
}
