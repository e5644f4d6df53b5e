public import LookoutCore
import Yams

/// One `workers/NAME.yml`: which worker to run and its tuning. Unknown keys and bad values are
/// configuration errors naming the file and the key, so a typo cannot silently fall back to a default.
public enum WorkerFile: Sendable, Equatable {
    case presence(PresenceWorkerOptions)
    case sweeper(SweeperOptions)
    case renewal(RenewalOptions)
    case mediamtxSync(MediaMTXSyncFile)
    case snapshot(every: Duration)
    case alerts(AlertWebhookOptions)

    /// The file's `kind:` (`presence`, `sweeper`, `renewal`, `mediamtx-sync`, `snapshot`, `alerts`).
    public var kindName: String {
        switch self {
        case .presence: "presence"
        case .sweeper: "sweeper"
        case .renewal: "renewal"
        case .mediamtxSync: "mediamtx-sync"
        case .snapshot: "snapshot"
        case .alerts: "alerts"
        }
    }

    public static func parse(_ yaml: String, fileName: String) throws(ConfigurationError) -> WorkerFile {
        let map: [String: Any]
        do {
            guard let loaded = try Yams.load(yaml: yaml) as? [String: Any] else {
                throw ConfigurationError(setting: fileName, problem: "must be a YAML mapping")
            }
            map = loaded
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(setting: fileName, problem: "is not valid YAML: \(error)")
        }
        var reader = Reader(map: map, fileName: fileName)
        let kind = try reader.string("kind", default: nil)
        let file: WorkerFile
        switch kind {
        case "presence":
            var options = PresenceWorkerOptions()
            options.stream = try reader.string("stream", default: options.stream)
            options.group = try reader.string("group", default: options.group)
            options.concurrency = try reader.int("concurrency", default: options.concurrency, in: 1...64)
            options.batchSize = try reader.int("batchSize", default: options.batchSize, in: 1...100_000)
            options.block = try reader.duration("block", default: options.block)
            options.claimIdle = try reader.duration("claimIdle", default: options.claimIdle)
            options.maxDeliveries = try reader.int("maxDeliveries", default: options.maxDeliveries, in: 1...1000)
            options.maxLength = try reader.int("maxLength", default: options.maxLength, in: 1000...1_000_000_000)
            file = .presence(options)
        case "sweeper":
            var options = SweeperOptions()
            options.interval = try reader.duration("interval", default: options.interval)
            options.expireAfter = try reader.double("expireAfter", default: options.expireAfter)
            options.startupGrace = try reader.double("startupGrace", default: options.startupGrace)
            file = .sweeper(options)
        case "renewal":
            var options = RenewalOptions()
            options.concurrency = try reader.int("concurrency", default: options.concurrency, in: 1...64)
            options.lifetimeShare = try reader.double("lifetimeShare", default: options.lifetimeShare)
            guard options.lifetimeShare < 1 else { throw ConfigurationError(setting: fileName, problem: "'lifetimeShare' must be below 1") }
            options.requestedLifetime = try reader.duration("requestedLifetime", default: options.requestedLifetime)
            options.lease = try reader.duration("lease", default: options.lease)
            options.expiryMargin = try reader.duration("expiryMargin", default: options.expiryMargin)
            options.deviceOfflineRetry = try reader.duration("deviceOfflineRetry", default: options.deviceOfflineRetry)
            options.retry.initial = try reader.duration("retryInitial", default: options.retry.initial)
            options.retry.maximum = try reader.duration("retryMaximum", default: options.retry.maximum)
            options.retry.jitter = try reader.double("retryJitter", default: options.retry.jitter)
            options.expiredRetry = try reader.duration("expiredRetry", default: options.expiredRetry)
            options.credentialProbe = try reader.duration("credentialProbe", default: options.credentialProbe)
            // Files written before issue 12 may still set it: retries are bounded by the URL's
            // expiry now, not a count, so it is accepted and has no effect.
            _ = try reader.int("maxAttempts", default: 0, in: 0...1_000_000)
            file = .renewal(options)
        case "mediamtx-sync":
            var options = MediaMTXSyncFile()
            options.lease = try reader.duration("lease", default: options.lease)
            options.reconcileEvery = try reader.duration("reconcileEvery", default: options.reconcileEvery)
            options.minWriteInterval = try reader.duration("minWriteInterval", default: options.minWriteInterval)
            options.swapDeadlineBeforeExpiry = try reader.duration("swapDeadlineBeforeExpiry", default: options.swapDeadlineBeforeExpiry)
            file = .mediamtxSync(options)
        case "snapshot":
            file = .snapshot(every: try reader.duration("every", default: .seconds(1800)))
        case "alerts":
            var options = AlertWebhookOptions()
            options.poll = try reader.duration("poll", default: options.poll)
            options.timeout = try reader.duration("timeout", default: options.timeout)
            options.maxAttempts = try reader.int("maxAttempts", default: options.maxAttempts, in: 1...1000)
            options.retryInitial = try reader.duration("retryInitial", default: options.retryInitial)
            options.retryMaximum = try reader.duration("retryMaximum", default: options.retryMaximum)
            options.retryJitter = try reader.double("retryJitter", default: options.retryJitter)
            options.batchLimit = try reader.int("batchLimit", default: options.batchLimit, in: 1...500)
            options.keep = try reader.duration("keep", default: options.keep)
            file = .alerts(options)
        default:
            throw ConfigurationError(setting: fileName, problem: "unknown worker kind '\(kind)'")
        }
        if let unknown = reader.unread.first { throw ConfigurationError(setting: fileName, problem: "unknown key '\(unknown)' for kind \(kind)") }
        return file
    }

    /// Tuning of the MediaMTX sync (`workers/mediamtx-sync.yml`); where MediaMTX is comes from settings.
    public struct MediaMTXSyncFile: Sendable, Equatable {
        public var lease: Duration = .seconds(15)
        public var reconcileEvery: Duration = .seconds(60)
        public var minWriteInterval: Duration = .seconds(1)
        public var swapDeadlineBeforeExpiry: Duration = .seconds(600)
        public init() {}
    }

    private struct Reader {
        let map: [String: Any]
        let fileName: String
        var read: Set<String> = []

        var unread: [String] { map.keys.filter { !read.contains($0) }.sorted() }

        mutating func string(_ key: String, default fallback: String?) throws(ConfigurationError) -> String {
            read.insert(key)
            guard let value = map[key] else {
                guard let fallback else { throw ConfigurationError(setting: fileName, problem: "'\(key)' is required") }
                return fallback
            }
            return "\(value)"
        }

        mutating func int(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
            let text = try string(key, default: String(fallback))
            guard let value = Int(text), range.contains(value) else {
                throw ConfigurationError(setting: fileName, problem: "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
            }
            return value
        }

        mutating func double(_ key: String, default fallback: Double) throws(ConfigurationError) -> Double {
            let text = try string(key, default: String(fallback))
            guard let value = Double(text), value > 0 else { throw ConfigurationError(setting: fileName, problem: "'\(key)' must be a positive number, got '\(text)'") }
            return value
        }

        mutating func duration(_ key: String, default fallback: Duration) throws(ConfigurationError) -> Duration {
            read.insert(key)
            guard let value = map[key] else { return fallback }
            guard let duration = DurationText.parse("\(value)") else {
                throw ConfigurationError(setting: fileName, problem: "'\(key)' must be a duration like 500ms, 2s, 30m, got '\(value)'")
            }
            return duration
        }
    }
}
