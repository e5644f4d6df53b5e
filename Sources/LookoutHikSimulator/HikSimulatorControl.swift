import Synchronization

/// The simulated cloud's mutable state and its switches, shared by the API routes, the
/// `/sim/…` control routes and tests (which may call these methods directly).
public final class HikSimulatorControl: Sendable {
    public let inventory: HikSimulatorInventory
    private let state: Mutex<State>

    struct State {
        var options: HikCloudSimulator.Options
        var baseURL: String?
        /// Live tokens: token → expiry (Unix seconds). One account, so usually one entry.
        var tokens: [String: Int64] = [:]
        var offlineSerials: Set<String> = []
        var encryptedSerials: Set<String> = []
        var pendingFailures: (count: Int, status: Int) = (0, 500)
        var window = HikSimulatorRateWindow()
        var stats = HikSimulatorStats()
        var nextLiveID: UInt64 = 786_192_075_142_131_712
        /// Camera (resourceId) → when each of its live addresses was issued (Unix ms).
        var issued: [String: [Int64]] = [:]
    }

    init(options: HikCloudSimulator.Options) {
        inventory = HikSimulatorInventory(devices: options.devices, channels: options.channels, seed: options.seed)
        state = Mutex(State(options: options))
    }

    public var options: HikCloudSimulator.Options { state.withLock { $0.options } }

    /// Flips switches at run time; the inventory (devices, channels, seed) stays as built.
    public func update(_ change: (inout HikCloudSimulator.Options) -> Void) {
        state.withLock { change(&$0.options) }
    }

    /// Invalidates every token now: the next call with one gets `OPEN000006`.
    public func revokeTokens() {
        state.withLock { $0.tokens.removeAll() }
    }

    public func setOnline(_ online: Bool, deviceSerial: String) {
        state.withLock { state in
            if online { state.offlineSerials.remove(deviceSerial.uppercased()) } else { state.offlineSerials.insert(deviceSerial.uppercased()) }
        }
    }

    public func setEncrypted(_ encrypted: Bool, deviceSerial: String) {
        state.withLock { state in
            if encrypted {
                state.encryptedSerials.insert(deviceSerial.uppercased())
            } else {
                state.encryptedSerials.remove(deviceSerial.uppercased())
            }
        }
    }

    /// The next `count` API requests get HTTP `status` (5xx) with no envelope.
    public func failNext(_ count: Int, status: Int = 500) {
        state.withLock { $0.pendingFailures = (max(0, count), status) }
    }

    public func stats() -> HikSimulatorStats {
        state.withLock { state in
            var stats = state.stats
            stats.maxPerSecond = state.window.maxArrivals
            return stats
        }
    }

    public func resetStats() {
        state.withLock { state in
            state.stats = HikSimulatorStats()
            state.window.reset()
        }
    }

    // MARK: - Used by the routes

    func setBaseURL(_ url: String) { state.withLock { $0.baseURL = url } }
    var baseURL: String? { state.withLock { $0.baseURL } }

    enum Admission { case admitted(latency: Duration), rateLimited(code: String), fail(status: Int) }

    /// Counts one API request and decides whether it is served.
    func admit(path: String, now: ContinuousClock.Instant = .now) -> Admission {
        state.withLock { state in
            state.stats.requests += 1
            state.stats.byPath[path, default: 0] += 1
            let options = state.options
            guard state.window.arrive(at: now, limit: options.rateLimitPerSecond, enforce: options.enforceRateLimit), !options.rateLimitStorm else {
                state.stats.rateLimited += 1
                return .rateLimited(code: options.rateLimitErrorCode)
            }
            if let status = options.failStatus {
                state.stats.injectedFailures += 1
                return .fail(status: status)
            }
            if state.pendingFailures.count > 0 {
                state.pendingFailures.count -= 1
                state.stats.injectedFailures += 1
                return .fail(status: state.pendingFailures.status)
            }
            return .admitted(latency: .milliseconds(options.latencyMilliseconds))
        }
    }

    /// `token/get`: the account's token, new or refreshed, with its expiry (Unix seconds).
    func login(now: Int64) -> (token: String, expiresAt: Int64) {
        state.withLock { state in
            let expiresAt = now + Int64(state.options.tokenLifetimeSeconds)
            state.tokens = state.tokens.filter { $0.value > now }
            let token: String
            if !state.options.newTokenOnRefresh, let current = state.tokens.keys.first {
                token = current
            } else {
                token = "hcc." + (0..<32).map { _ in String("abcdefghijklmnopqrstuvwxyz0123456789".randomElement()!) }.joined()
                state.tokens.removeAll()
            }
            state.tokens[token] = expiresAt
            state.stats.logins += 1
            return (token, expiresAt)
        }
    }

    func isValid(token: String, now: Int64) -> Bool {
        state.withLock { state in
            let valid = state.tokens[token].map { $0 > now } ?? false
            if !valid { state.stats.tokenRejections += 1 }
            return valid
        }
    }

    func isOnline(_ serial: String) -> Bool { state.withLock { !$0.offlineSerials.contains(serial) } }
    func isEncrypted(_ serial: String) -> Bool { state.withLock { $0.options.encryption || $0.encryptedSerials.contains(serial) } }

    /// Camera (resourceId) → when each of its live addresses was issued (Unix ms), so a harness
    /// can tell a camera fetched twice for one renewal.
    public func issuedAddresses() -> [String: [Int64]] {
        state.withLock { $0.issued }
    }

    /// A new 18-digit live-address id for camera `resourceId`, counted as issued.
    func issueLiveAddress(resourceId: String, at unixMillis: Int64) -> String {
        state.withLock { state in
            state.nextLiveID += UInt64.random(in: 1...997)
            state.stats.liveAddressesIssued += 1
            state.issued[resourceId, default: []].append(unixMillis)
            return String(state.nextLiveID)
        }
    }

    func countPicture() { state.withLock { $0.stats.picturesIssued += 1 } }
}
