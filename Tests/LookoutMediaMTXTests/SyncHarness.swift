import Foundation
import Logging
import LookoutCore
import LookoutMediaMTX
import LookoutMediaMTXSimulator
import LookoutRedis
import LookoutTestSupport

/// One test's world: a config folder, a running double, Redis, a key prefix, and syncs on them.
struct SyncHarness {
    let folder: String
    let server: MediaMTXDoubleServer
    let redis: RedisClient
    let keys: RedisKeys
    let source: MemoryPathSource

    static func make(_ paths: [ManagedPath] = [], baseYAML: String? = nil, double options: MediaMTXDouble.Options = .init()) async throws -> SyncHarness {
        SyncHarness(
            folder: try Fixture.configFolder(baseYAML), server: try await Fixture.startDouble(options), redis: try Fixture.redis(),
            keys: RedisKeys(prefix: TestEnvironment.uniqueName("mediamtx") + ":"), source: MemoryPathSource(paths))
    }

    var configPath: String { folder + "/mediamtx.yml" }
    var double: MediaMTXDouble { server.double }

    func sync(
        folder: String? = nil, logger: Logger = Fixture.logger, source: (any ManagedPathSource)? = nil, _ tune: (inout MediaMTXSyncOptions) -> Void = { _ in }
    ) async -> MediaMTXSync {
        var options = Fixture.syncOptions(folder: folder ?? self.folder)
        tune(&options)
        return MediaMTXSync(
            options: options, source: source ?? self.source, api: Fixture.apiClient(await server.baseURL), redis: redis, keys: keys, logger: logger)
    }

    /// The managed paths in the file now.
    func fileSources(_ path: String? = nil) -> [String: String] {
        (try? MediaMTXConfig.load(path: path ?? configPath).pathSources) ?? [:]
    }

    /// Whether the file and the double both serve exactly `expected` among `names`.
    func converged(_ expected: [String: String], among names: Set<String>? = nil) async -> Bool {
        let scope = names ?? Set(expected.keys)
        let file = fileSources().filter { scope.contains($0.key) }
        let live = await double.sources().filter { scope.contains($0.key) }
        return file == expected && live == expected
    }

    func close() async {
        await server.stop()
        await redis.close()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
