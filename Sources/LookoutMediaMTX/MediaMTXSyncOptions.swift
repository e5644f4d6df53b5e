public import LookoutRedis

/// Tuning of ``MediaMTXSync``; the defaults match `workers/mediamtx-sync.yml`.
public struct MediaMTXSyncOptions: Sendable {
    /// The `mediamtx.yml` MediaMTX loads (the sidecar `<configPath>.managed` sits next to it).
    public var configPath: String
    /// Permissions of `mediamtx.yml`, its temporary file and the sidecar: 0600, or 0640 with a
    /// group (`LOOKOUT_MEDIAMTX_CONFIG_GROUP`). A file found more open is reported and replaced.
    public var filePermissions: FilePermissions = .ownerOnly
    /// Lease time to live: a crashed active sync is replaced after at most this long.
    public var leaseTTL: Duration = .seconds(15)
    /// How often the holder renews the lease, and a standby tries to take it.
    public var leaseRenewInterval: Duration = .seconds(5)
    /// Full reconcile this often even without change signals (restarted MediaMTX, lost API changes).
    public var reconcileInterval: Duration = .seconds(60)
    /// At most one file write per interval (MediaMTX drops a second change within 1 s).
    public var minWriteInterval: Duration = .seconds(1)
    /// How often a path waiting for a swap is checked for readers.
    public var readerCheckInterval: Duration = .seconds(5)
    /// Delay before the next round after a failed one (MediaMTX or PostgreSQL unreachable).
    public var retry = RedisReconnectBackoff(initial: .seconds(1), maximum: .seconds(30), jitter: 0.2)
    /// Subscribe to `<prefix>mediamtx:changed` and reconcile when something is published there.
    public var listenForChanges = true

    public init(configPath: String) {
        self.configPath = configPath
    }
}
