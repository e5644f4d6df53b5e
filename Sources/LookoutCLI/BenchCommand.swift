import ArgumentParser

/// `lookout bench …`: load benchmarks, run by hand; results go to docs/benchmarks.md.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load benchmarks (results: docs/benchmarks.md).",
        subcommands: [RedisPipelineBench.self]
    )
}
