import Foundation
import LookoutTestSupport
import Testing

/// The runtime the image holds (deploy/image/contents.txt), as scripts/package.sh lays it out,
/// here from the debug binary this run built (the image builds release; same script, same list):
/// `lookout --help`, `migrate` and a gateway answering /healthz and /readyz run from that folder
/// alone. Every library the binary loads is in the folder or named `base` in the list; as root it
/// runs in a chroot that holds only the folder and those base libraries (nothing of /work, the
/// toolchain or /usr), with only PATH and LOOKOUT_* in its environment.
@Suite struct PackagedFolderTests {
    @Test func aGatewayRunsFromThePackagedFolderAlone() async throws {
        let contents = try RuntimeContents.read()
        let scratch = NSTemporaryDirectory() + "lookout-package-\(UInt32.random(in: .min ... .max))"
        let folder = scratch + "/root/opt/lookout"
        try await withTeardown({ try? FileManager.default.removeItem(atPath: scratch) }) {
            let packaged = try await ChildProcess.run("/bin/bash", ["scripts/package.sh", "--binary", TestEnvironment.lookoutBinary, "--out", folder])
            try #require(packaged.status == 0, "\(packaged.stderr)")
            for path in contents.binary + contents.copies {
                #expect(FileManager.default.fileExists(atPath: folder + "/" + path), "\(path) is on the list but not in the folder")
            }

            let ldd = try await ChildProcess.run("/usr/bin/ldd", [folder + "/" + contents.binary[0]], environment: [:])
            let libraries = LoadedLibrary.parse(ldd: ldd.stdout)
            let outside = libraries.filter { !$0.found || !($0.path?.hasPrefix(folder + "/") == true || contents.baseLibraries.contains($0.name)) }
            #expect(outside.isEmpty, "loaded from outside the folder and not base: \(outside)")
            #expect(libraries.contains { $0.name.hasPrefix("libhiredis") && $0.path?.hasPrefix(folder + "/lib/") == true }, "\(libraries)")

            let base = libraries.filter { contents.baseLibraries.contains($0.name) }
            let packagedLookout = try await PackagedLookout(root: scratch + "/root", binary: contents.binary[0], baseLibraries: base)
            let help = try await packagedLookout.run(["--help"])
            #expect(help.status == 0 && help.stdout.contains("  gateway "), "\(help.stderr)")
            try await runRoles(packagedLookout)
        }
    }

    /// `migrate`, then a gateway and a worker with the folder's worker files, from the folder;
    /// `lookout healthcheck` (the image's HEALTHCHECK) asks the gateway from the same folder.
    private func runRoles(_ lookout: PackagedLookout) async throws {
        let database = try await ScratchDatabase.create()
        let port = try TestEnvironment.freePort()
        let environment = [
            "LOOKOUT_REDIS_URL": try TestEnvironment.redisURL, "LOOKOUT_DATABASE_URL": database.url,
            "LOOKOUT_KEY_PREFIX": TestEnvironment.uniqueName() + ":", "LOOKOUT_HTTP_PORT": String(port),
            "LOOKOUT_PLAYBACK_KEYS": "t1:" + LookoutSystem.playbackSecret, "LOOKOUT_STREAM_URL_KEY": TestStreamURLKey.setting,
        ]
        var gateway: LookoutProcess?
        var worker: LookoutProcess?
        try await withTeardown({
            await worker?.stop()
            await gateway?.stop()
            try? await database.drop()
        }) {
            let migrate = try await lookout.run(["migrate"], environment: environment)
            try #require(migrate.status == 0, "\(migrate.stderr)")
            let started = try lookout.start(name: "packaged-gateway", ["gateway"], environment: environment)
            gateway = started
            let ready = try await eventually(timeout: .seconds(15), every: .milliseconds(100)) {
                try await lookout.run(["healthcheck", "--url", "http://127.0.0.1:\(port)/readyz"]).status == 0
            }
            #expect(ready, "/readyz never answered 200:\n\(started.log)")
            // As the image's HEALTHCHECK runs it: no --url, the container's gateway settings.
            let healthz = try await lookout.run(["healthcheck"], environment: ["LOOKOUT_HTTP_HOST": "0.0.0.0", "LOOKOUT_HTTP_PORT": String(port)])
            #expect(healthz.status == 0 && healthz.stdout == "http://127.0.0.1:\(port)/healthz: 200\n", "\(healthz.stderr)")
            let missing = try await lookout.run(["healthcheck", "--url", "http://127.0.0.1:\(port)/nowhere"])
            #expect(missing.status == 1 && missing.stderr.contains("404"), "\(missing.stderr)")
            let closedPort = try TestEnvironment.freePort()
            let closed = try await lookout.run(["healthcheck", "--url", "http://127.0.0.1:\(closedPort)/healthz", "--timeout", "2"])
            #expect(closed.status == 1, "\(closed.stderr)")

            let workerFiles = ["presence.yml", "sweeper.yml"].flatMap { ["--worker", lookout.path("workers/\($0)")] }
            let workerPort = try TestEnvironment.freePort()
            let workerEnvironment = environment.merging(["LOOKOUT_WORKER_HTTP_PORT": String(workerPort), "LOG_LEVEL": "info"]) { $1 }
            let startedWorker = try lookout.start(name: "packaged-worker", ["worker"] + workerFiles, environment: workerEnvironment)
            worker = startedWorker
            let working = await eventually(timeout: .seconds(15), every: .milliseconds(100)) { startedWorker.log.contains("Presence worker started") }
            #expect(working, "the worker never started:\n\(startedWorker.log)")
        }
    }
}

/// The packaged `lookout` in a root of its own: as root (with mount namespaces), a chroot holding only the folder (at
/// /opt/lookout, as in the image), copies of the base libraries it loads and a /proc (the loader
/// finds `$ORIGIN` through /proc/self/exe; mounted in a private mount namespace, so it goes with
/// the process); otherwise the folder in place. Either way with only PATH and the given settings
/// in the environment.
struct PackagedLookout {
    let root: String
    let binary: String
    let chrooted: Bool

    init(root: String, binary: String, baseLibraries: [LoadedLibrary]) async throws {
        self.root = root
        self.binary = binary
        // Root, and allowed a mount namespace (a container without CAP_SYS_ADMIN is not).
        let mayUnshare = try await ChildProcess.run("/usr/bin/unshare", ["--mount", "/bin/true"]).status == 0
        chrooted = geteuid() == 0 && mayUnshare
        guard chrooted else { return }
        let files = FileManager.default
        for library in baseLibraries {
            guard let path = library.path, !path.hasPrefix(root + "/") else { continue }
            try files.createDirectory(atPath: root + (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try files.copyItem(atPath: URL(fileURLWithPath: path).resolvingSymlinksInPath().path, toPath: root + path)
        }
        try files.createDirectory(atPath: root + "/tmp", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o1777])
        try files.createDirectory(atPath: root + "/proc", withIntermediateDirectories: true)
    }

    /// A file of the layout as the packaged lookout sees it.
    func path(_ layoutPath: String) -> String { (chrooted ? "" : root) + "/opt/lookout/" + layoutPath }

    private var executable: String { chrooted ? "/usr/bin/unshare" : root + "/opt/lookout/" + binary }
    private func arguments(_ arguments: [String]) -> [String] {
        chrooted ? ["--mount-proc=\(root)/proc", "/usr/sbin/chroot", root, "/opt/lookout/" + binary] + arguments : arguments
    }
    private func environment(_ settings: [String: String]) -> [String: String] {
        let bin = (binary as NSString).deletingLastPathComponent
        return settings.merging(["PATH": (chrooted ? "" : root) + "/opt/lookout/\(bin)", "HOME": "/tmp"]) { $1 }
    }

    func run(_ arguments: [String], environment settings: [String: String] = [:]) async throws -> ChildProcessResult {
        try await ChildProcess.run(executable, self.arguments(arguments), environment: environment(settings))
    }

    func start(name: String, _ arguments: [String], environment settings: [String: String]) throws -> LookoutProcess {
        try LookoutProcess(
            name: name, executable: executable, arguments: self.arguments(arguments), environment: environment(settings), inheritingPath: false)
    }
}
