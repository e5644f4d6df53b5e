import Dispatch
import Foundation

/// What a bench must undo (child processes, its database) before the process exits, run in
/// reverse order on success and on failure alike. A `defer { Task { … } }` would not do: the
/// process can exit before such a task runs, leaving gateways and workers behind.
final class BenchCleanup: Sendable {
    private let steps = Locked<[@Sendable () async -> Void]>([])

    func add(_ step: @escaping @Sendable () async -> Void) {
        steps.withLock { $0.append(step) }
    }

    /// Runs the steps once, latest first; a second call (signal and normal end) finds none.
    func run() async {
        let steps = steps.withLock { steps in
            defer { steps.removeAll() }
            return steps
        }
        for step in steps.reversed() { await step() }
    }

    /// Runs `body`, then the cleanup, also when `body` throws, and on SIGINT or SIGTERM (then
    /// the process exits with 128 + the signal): a bench stopped by hand leaves no gateway,
    /// worker or database behind to skew the next one.
    static func around<T>(_ body: (BenchCleanup) async throws -> T) async throws -> T {
        let cleanup = BenchCleanup()
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Task {
                    await cleanup.run()
                    exit(128 + number)
                }
            }
            source.resume()
            return source
        }
        defer { for source in signals { source.cancel() } }
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
