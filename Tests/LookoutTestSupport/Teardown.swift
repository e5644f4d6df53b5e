/// Runs `body`, then awaits `teardown`, whether `body` returned or threw: a `defer` that can
/// await, so a test's servers and processes are stopped before the next test starts (a
/// `defer { Task { … } }` would let them outlive it).
///
/// ```swift
/// let system = try await LookoutSystem.start()
/// try await withTeardown({ await system.shutdown() }) {
///     …
/// }
/// ```
public func withTeardown<T>(_ teardown: () async -> Void, _ body: () async throws -> T) async throws -> T {
    let result: T
    do {
        result = try await body()
    } catch {
        await teardown()
        throw error
    }
    await teardown()
    return result
}
