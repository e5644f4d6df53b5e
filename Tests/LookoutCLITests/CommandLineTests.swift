import LookoutTestSupport
import Testing

/// The `lookout` binary as ops run it: roles, configuration errors and exit codes.
@Suite struct CommandLineTests {
    @Test func helpListsEveryRole() async throws {
        let result = try await ChildProcess.lookout(["--help"])
        #expect(result.status == 0)
        for role in ["gateway", "worker", "migrate", "renew", "simulate", "bench"] {
            #expect(result.stdout.contains("  \(role) "), "\(role) missing from --help")
        }
    }

    @Test func aMissingRequiredSettingIsOneLineAndExitCode2() async throws {
        let result = try await ChildProcess.lookout(["migrate"])
        #expect(result.status == 2)
        #expect(result.stderr == "lookout: configuration error: LOOKOUT_DATABASE_URL: is required but not set (or set database.url in the config file)\n")
    }

    @Test(arguments: [
        ("LOOKOUT_DATABASE_URL", "mysql://h/db", ["migrate"]),
        ("LOOKOUT_REDIS_URL", "redis://localhost:notaport", ["bench", "redis-pipeline"]),
    ])
    func aMalformedURLIsOneLineAndExitCode2(setting: String, value: String, arguments: [String]) async throws {
        let result = try await ChildProcess.lookout(arguments, environment: [setting: value])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("lookout: configuration error: \(setting): malformed URL: "))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test func aBrokenSettingsFileIsOneLineAndExitCode2() async throws {
        let result = try await ChildProcess.lookout(["migrate", "--config", "/nonexistent/lookout.yml"])
        #expect(result.status == 2)
        #expect(result.stderr == "lookout: configuration error: /nonexistent/lookout.yml: cannot read the settings file\n")
    }

    @Test func renewNeedsCamerasOrAll() async throws {
        let result = try await ChildProcess.lookout(["renew"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("give --camera ID (one or more) or --all"))
    }
}
