/// What a bench must undo (child processes, its database) before the process exits, run in
/// reverse order on success and on failure alike. A `defer { Task { … } }` would not do: the
/// process can exit before such a task runs, leaving gateways and workers behind.
final class BenchCleanup: Sendable {
    private let steps = Locked<[@Sendable () async -> Void]>([])

    func add(_ step: @escaping @Sendable () async -> Void) {
        steps.withLock { $0.append(step) }
    }

    func run() async {
        for step in steps.withLock({ $0 }).reversed() { await step() }
    }

    /// Runs `body`, then the cleanup, also when `body` throws.
    static func around<T>(_ body: (BenchCleanup) async throws -> T) async throws -> T {
        let cleanup = BenchCleanup()
        do {
            let result = try await body(cleanup)
            await cleanup.run()
            return result
        } catch {
            await cleanup.run()
            throw error
        }
    }
}
