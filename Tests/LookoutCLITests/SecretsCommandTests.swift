import Foundation
import LookoutTestSupport
import Testing

/// Secrets on the command line: settings files, the stream URL key, `lookout secrets …`.
@Suite struct SecretsCommandTests {
    static func settingsFile(_ text: String, mode: Int) throws -> String {
        let path = NSTemporaryDirectory() + TestEnvironment.uniqueName("settings") + ".yml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func aSecretInASettingsFileOthersCanReadIsRefusedWithExitCode2() async throws {
        let path = try Self.settingsFile("database:\n  url: postgres://lookout:hunter2@127.0.0.1:1/lookout\n", mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let refused = try await ChildProcess.lookout(["migrate", "--config", path, "--timeout", "2"])
        #expect(refused.status == 2)
        #expect(refused.stderr.hasPrefix("lookout: configuration error: LOOKOUT_DATABASE_URL: is a secret"))
        #expect(refused.stderr.contains("mode 0644") && refused.stderr.contains(path) && !refused.stderr.contains("hunter2"))
        #expect(refused.stderr.filter { $0 == "\n" }.count == 1)

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let accepted = try await ChildProcess.lookout(["migrate", "--config", path, "--timeout", "2"])
        #expect(accepted.status == 1, "past the settings, to the unreachable database: \(accepted.stderr)")
        #expect(!accepted.stderr.contains("hunter2"))
    }

    @Test func aBrokenSettingsFileNamesTheLineButNeverShowsIt() async throws {
        let path = try Self.settingsFile("hikvision:\n  secret: \"hunter2\n  appKey: [x\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await ChildProcess.lookout(["migrate", "--config", path])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("lookout: configuration error: \(path): is not valid YAML: "))
        #expect(result.stderr.contains("line") && !result.stderr.contains("hunter2"), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test func workersThatStoreOrReadStreamURLsRefuseToStartWithoutAKey() async throws {
        let environment = ["LOOKOUT_REDIS_URL": "redis://127.0.0.1:1", "LOOKOUT_DATABASE_URL": "postgres://u@127.0.0.1:1/db"]
        for file in ["workers/renewal.yml", "workers/mediamtx-sync.yml"] {
            let result = try await ChildProcess.lookout(["worker", "--worker", file], environment: environment)
            #expect(result.status == 2, "\(file)")
            #expect(result.stderr.hasPrefix("lookout: configuration error: LOOKOUT_STREAM_URL_KEY: is required for the"), "\(result.stderr)")
        }
    }

    @Test func rotateSealsPlaintextRowsAndASecondRunChangesNothing() async throws {
        let database = try await ScratchDatabase.create()
        let environment = ["LOOKOUT_DATABASE_URL": database.url, "LOOKOUT_STREAM_URL_KEY": TestStreamURLKey.setting]
        #expect(try await ChildProcess.lookout(["migrate"], environment: environment).status == 0)
        _ = try await database.query(
            "INSERT INTO cameras (name, stream_url, stream_expires_at) VALUES ('a', 'rtmp://h/live?t=SIG', now() + interval '1 day'), ('b', NULL, NULL)")
        let first = try await ChildProcess.lookout(["secrets", "rotate"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Re-sealed 1 stream URLs with key 'test-1' (1 were plaintext); 0 were current already."), "\(first.stdout)")
        let dump = try await database.query("SELECT stream_url FROM cameras WHERE name = 'a'")
        #expect(dump.hasPrefix("sealed:v1:test-1:") && !dump.contains("rtmp://"))
        let second = try await ChildProcess.lookout(["secrets", "rotate"], environment: environment)
        #expect(second.stdout.contains("Re-sealed 0 stream URLs") && second.stdout.contains("1 were current already"))
        #expect(try await database.query("SELECT stream_url FROM cameras WHERE name = 'a'") == dump)

        let missing = try await ChildProcess.lookout(["secrets", "rotate"], environment: ["LOOKOUT_DATABASE_URL": database.url])
        #expect(missing.status == 2 && missing.stderr.contains("LOOKOUT_STREAM_URL_KEY"))
        try await database.drop()
    }

    @Test func generateKeyPrintsAUsableSetting() async throws {
        let result = try await ChildProcess.lookout(["secrets", "generate-key", "--id", "2026-12"])
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("2026-12:") && Data(base64Encoded: String(line.dropFirst(8)))?.count == 32)
    }
}
