import Logging
import LookoutCore

extension MediaMTXSync {
    /// What a round achieved: a problem to retry with backoff, and when a waiting swap wants a look.
    struct RoundOutcome {
        var problem: String?
        var nextCheck: Duration?
    }

    /// One level-triggered round: desired state → file → API → promotions.
    func reconcile() async -> RoundOutcome {
        var outcome = RoundOutcome()
        let desired: [ManagedPath]
        do {
            desired = try await source.desiredPaths().compactMap(usable)
        } catch {
            // Never render from a failed read: an empty list would remove every camera.
            logger.error("MediaMTX sync cannot read the desired paths", metadata: ["lookout.mediamtx.error": "\(error)"])
            return RoundOutcome(problem: "desired paths unavailable: \(type(of: error))")
        }
        let config: MediaMTXConfig
        let managed: Set<String>
        do {
            config = try MediaMTXConfig.load(path: options.configPath)
            managed = try managedNames.load()
        } catch {
            logger.error("MediaMTX sync cannot read mediamtx.yml", metadata: ["lookout.mediamtx.error": "\(error)"])
            return RoundOutcome(problem: error.message)
        }

        if await writer.changedByOthers(current: config.yaml) {
            MediaMTXMetrics.countFileRestored()
            await state.foundExternalChange()
            logger.warning(
                "mediamtx.yml was changed by something else since this sync wrote it; restoring the managed paths",
                metadata: ["lookout.mediamtx.file": "\(options.configPath)"])
        }

        let live: [String: String]?
        do {
            live = Dictionary(try await api.pathConfigs().map { ($0.name, $0.source ?? "") }, uniquingKeysWith: { first, _ in first })
        } catch {
            logAPIFailure(error, "MediaMTX API unavailable; writing the file only")
            outcome.problem = error.description
            live = nil
        }

        let plan = await plan(desired, fileSources: config.pathSources, live: live)
        if let next = plan.nextCheck { outcome.nextCheck = next }
        let tooOpen = await checkFileModes()
        do {
            try await write(config, targets: plan.targets, managed: managed, replacing: tooOpen)
            if tooOpen { await state.foundLooseMode(nil) }
        } catch {
            logger.error("MediaMTX sync did not write mediamtx.yml", metadata: ["lookout.mediamtx.error": "\(error)"])
            outcome.problem = error.message
        }
        guard let live else { return outcome }
        guard (try? await lease.holds()) == true else {
            logger.warning("MediaMTX sync lost its lease during a round; API changes skipped")
            outcome.problem = "lease lost"
            return outcome
        }
        if let problem = await applyToAPI(plan.targets, live: live, managed: managed) { outcome.problem = problem }
        for (name, pending) in plan.swaps.sorted(by: { $0.key < $1.key }) where plan.targets[name] == pending {
            guard await confirmedLive(name, pending, live: live) else { continue }
            do {
                try await source.promoted(name: name, source: pending)
                logger.info("Pending source promoted", metadata: ["lookout.mediamtx.path": "\(name)"])
            } catch {
                logger.error("Promotion failed", metadata: ["lookout.mediamtx.path": "\(name)", "lookout.mediamtx.error": "\(error)"])
                outcome.problem = "promotion of \(name) failed"
            }
        }
        return outcome
    }

    /// The source each path gets this round, and the swaps among them.
    struct Plan {
        var targets: [String: String] = [:]
        var swaps: [String: String] = [:]
        var nextCheck: Duration?
    }

    func plan(_ desired: [ManagedPath], fileSources: [String: String], live: [String: String]?) async -> Plan {
        var plan = Plan()
        let now = unixMillis()
        for path in desired {
            plan.targets[path.name] = path.source
            guard let pending = path.pendingSource, pending != path.source else { continue }
            let alreadyLive = live?[path.name] == pending || fileSources[path.name] == pending
            let pastDeadline = path.pendingDeadline.map { now >= $0 } ?? false
            var idle = false
            if !alreadyLive, !pastDeadline, live != nil {
                do {
                    idle = try await api.readers(path: path.name).isEmpty
                } catch {
                    logAPIFailure(error, "Readers unknown; swap postponed")
                }
            }
            if alreadyLive || pastDeadline || idle {
                plan.targets[path.name] = pending
                plan.swaps[path.name] = pending
                logger.info(
                    "Swapping in the pending source",
                    metadata: [
                        "lookout.mediamtx.path": "\(path.name)",
                        "lookout.mediamtx.reason": "\(alreadyLive ? "already live" : pastDeadline ? "deadline" : "no readers")",
                    ])
            } else {
                var wait = options.readerCheckInterval
                if let deadline = path.pendingDeadline { wait = min(wait, .milliseconds(deadline - now)) }
                plan.nextCheck = min(plan.nextCheck ?? wait, wait)
            }
        }
        return plan
    }

    /// Renders and writes the file (and the sidecar around it) when anything changed, or when
    /// `replacing` (a file too open is replaced by one with the configured permissions).
    func write(_ config: MediaMTXConfig, targets: [String: String], managed: Set<String>, replacing: Bool = false) async throws(MediaMTXConfigError) {
        let rendered = try config.rendering(sources: targets, formerlyManaged: managed)
        let names = Set(targets.keys)
        let removed = managed.subtracting(names)
        guard rendered.yaml != config.yaml || names != managed || replacing else { return }
        if replacing { await writer.forgetLastWrite() }
        if !removed.isEmpty { await state.owe(deletes: removed) }
        try managedNames.save(managed.union(names))
        let writesBefore = await writer.writeCount
        try await writer.write(rendered.yaml)
        try managedNames.save(names)
        let metadata: Logger.Metadata = ["lookout.mediamtx.paths": "\(names.count)", "lookout.mediamtx.removed": "\(removed.sorted())"]
        if await writer.writeCount > writesBefore {
            logger.info("mediamtx.yml written", metadata: metadata)
        } else {
            logger.debug("mediamtx.yml already as rendered; not written", metadata: metadata)
        }
    }

    /// Whether `mediamtx.yml` or its sidecar lets in more users than the configured permissions
    /// (a 0644 file from before, or a hand-made copy): it holds signed stream URLs, so this is
    /// logged as a warning, counted in ``MediaMTXSync/Status``, and the round replaces both.
    func checkFileModes() async -> Bool {
        var tooOpen = false
        for path in [options.configPath, managedNames.path] {
            guard let mode = AtomicFile.mode(of: path), options.filePermissions.isLooser(mode) else { continue }
            let octal = "0" + String(mode, radix: 8)
            logger.warning(
                "MediaMTX config file readable by more users than allowed; replacing it",
                metadata: [
                    "lookout.mediamtx.file": "\(path)", "lookout.mediamtx.mode": "\(octal)",
                    "lookout.mediamtx.allowed_mode": "\(options.filePermissions)",
                ])
            await state.foundLooseMode(octal)
            tooOpen = true
        }
        return tooOpen
    }

    /// Patches changed paths and deletes removed ones; returns a problem for the round, if any.
    func applyToAPI(_ targets: [String: String], live: [String: String], managed: Set<String>) async -> String? {
        var problem: String?
        for (name, source) in targets.sorted(by: { $0.key < $1.key }) where live[name] != source {
            do {
                let outcome = try await api.apply(source: source, path: name)
                logger.info("MediaMTX path updated", metadata: ["lookout.mediamtx.path": "\(name)", "lookout.mediamtx.outcome": "\(outcome)"])
            } catch {
                logAPIFailure(error, "MediaMTX path not updated")
                problem = error.description
                if error.code == .unreachable || error.code == .unauthorized || error.code == .cancelled { return problem }
            }
        }
        let owed = await state.pendingDeletes
        for name in owed.union(managed).subtracting(targets.keys).sorted() {
            guard live[name] != nil else {
                await state.deleted(name)
                continue
            }
            do {
                try await api.deletePath(name: name)
                await state.deleted(name)
                logger.info("MediaMTX path deleted", metadata: ["lookout.mediamtx.path": "\(name)"])
            } catch {
                logAPIFailure(error, "MediaMTX path not deleted")
                problem = error.description
                if error.code == .unreachable || error.code == .unauthorized || error.code == .cancelled { return problem }
            }
        }
        return problem
    }

    /// Whether MediaMTX's config for `name` has `source` now (it had it, or this round applied it).
    func confirmedLive(_ name: String, _ source: String, live: [String: String]) async -> Bool {
        if live[name] == source { return true }
        return (try? await api.pathConfig(name: name))?.source == source
    }

    /// `path` if its name and source are valid; without its pending source if only that is invalid.
    func usable(_ path: ManagedPath) -> ManagedPath? {
        var path = path
        do {
            try MediaMTXValidation.checkPathName(path.name)
            try MediaMTXValidation.checkSource(path.source, path: path.name)
        } catch {
            logger.error("Managed path skipped", metadata: ["lookout.mediamtx.path": "\(path.name)", "lookout.mediamtx.error": "\(error.message)"])
            return nil
        }
        if let pending = path.pendingSource {
            do {
                try MediaMTXValidation.checkSource(pending, path: path.name)
            } catch {
                logger.error("Pending source ignored", metadata: ["lookout.mediamtx.path": "\(path.name)", "lookout.mediamtx.error": "\(error.message)"])
                path.pendingSource = nil
            }
        }
        return path
    }

    func logAPIFailure(_ error: MediaMTXAPIError, _ message: Logger.Message) {
        let level: Logger.Level = error.code == .cancelled ? .debug : error.code == .unreachable ? .warning : .error
        logger.log(level: level, message, metadata: ["lookout.mediamtx.error": "\(error)"])
    }
}
