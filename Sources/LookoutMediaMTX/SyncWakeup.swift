/// Wakes the sync's loop early: a change signal arrives while it sleeps until the next round.
/// A signal sent while nobody waits is kept (once) for the next wait.
actor SyncWakeup {
    private var pending = false
    private var waiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
    private var nextID: UInt64 = 0

    func signal() {
        if waiters.isEmpty {
            pending = true
            return
        }
        let woken = waiters
        waiters.removeAll()
        for waiter in woken.values { waiter.resume(returning: true) }
    }

    /// Waits up to `timeout`; true when woken by a signal, false on timeout or cancellation.
    func wait(for timeout: Duration) async -> Bool {
        if pending {
            pending = false
            return true
        }
        guard timeout > .zero, !Task.isCancelled else { return false }
        let id = nextID
        nextID += 1
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.resume(id, with: false)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(returning: false)
                } else {
                    waiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.resume(id, with: false) }
        }
    }

    private func resume(_ id: UInt64, with value: Bool) {
        waiters.removeValue(forKey: id)?.resume(returning: value)
    }
}
