import Logging

extension NVRFleet {
    /// Keeps one agent connected until the task is cancelled or a stop close code arrives.
    func runAgent(_ slot: FleetSlot) async {
        var generator = SystemRandomNumberGenerator()
        let spread = Int64(options.connectSpread.inSeconds * 1000)
        if spread > 0 {
            try? await Task.sleep(for: .milliseconds(Int64.random(in: 0...spread, using: &generator)))
        }
        let agent = makeAgent(slot)
        var logger = self.logger
        logger[metadataKey: "lookout.nvr.hostname"] = "\(slot.credential.hostname)"
        var attempt = 0
        while !Task.isCancelled {
            while agent.lingering.value >= options.maxLingeringAttempts, !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
            }
            let connection = Task { try await agent.run() }
            slot.attach(connection)
            let result = await withTaskCancellationHandler {
                await connection.result
            } onCancel: {
                connection.cancel()
            }
            let churned = slot.detach()
            switch result {
            case .success(let exit):
                statistics.closed(exit)
                if churned {
                    attempt = 0
                    try? await Task.sleep(for: ChurnSchedule.reconnectPause(using: &generator))
                    continue
                }
                if Task.isCancelled { return }
                if let code = exit.closeCode, options.stopCloseCodes.contains(code) {
                    logger.warning("Agent stops", metadata: ["lookout.ws.close": "\(exit)"])
                    statistics.agentStopped()
                    return
                }
                logger.debug("Connection ended, reconnecting", metadata: ["lookout.ws.close": "\(exit)"])
                if exit.authenticated { attempt = 0 }
                if let pause = options.restartPause(after: exit, using: &generator) {
                    // A draining gateway handed the session over: back at once, elsewhere.
                    try? await Task.sleep(for: pause)
                    continue
                }
            case .failure(let error):
                if Task.isCancelled { return }
                statistics.connectFailed()
                logger.debug("Connect failed", metadata: ["lookout.error": "\(error)"])
            }
            try? await Task.sleep(for: options.backoff.delay(attempt: attempt, using: &generator))
            attempt += 1
        }
    }

    private func makeAgent(_ slot: FleetSlot) -> NVRAgent {
        let statistics = self.statistics
        return NVRAgent(
            hostname: slot.credential.hostname,
            token: slot.credential.token,
            gatewayURL: gatewayURL,
            logger: logger,
            heartbeatInterval: options.heartbeatInterval
        ) { event in
            switch event {
            case .authenticated:
                statistics.authenticated(reconnect: slot.authenticated())
            case .heartbeatAcknowledged(let roundTrip, _):
                statistics.heartbeatRoundTrip(roundTrip)
            case .connected, .authRejected, .gatewayError:
                break
            }
        }
    }
}

extension NVRFleet.Options {
    /// WebSocket close code 1012: the gateway drains to stop (docs/protocol.md, "Draining").
    static let serviceRestart: UInt16 = 1012

    /// The pause before reconnecting after a drain's 1012 on an authenticated connection: a
    /// random 0…``restartJitter``. nil for any other end (the usual ``backoff``), including a
    /// 1012 that refused a new connection.
    func restartPause(after exit: NVRAgentExit, using generator: inout some RandomNumberGenerator) -> Duration? {
        guard exit.closeCode == Self.serviceRestart, exit.authenticated else { return nil }
        let jitter = max(Int64(restartJitter.inSeconds * 1000), 0)
        return .milliseconds(Int64.random(in: 0...jitter, using: &generator))
    }
}

