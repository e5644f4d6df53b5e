import LookoutCore
import Testing

/// A settings file never leaks through an error, and holds secrets only when it is 0600.
@Suite struct SettingsFileSecretsTests {
    @Test(arguments: [
        "hikvision:\n  appKey: a\n  secret: \"SECRET-abc-123\n  [broken\n",
        "database:\n  url: postgres://u:SECRET-pw@db/x\n   bad: indentation: SECRET-2\n",
        "redis: {url: redis://:SECRET@h:6379, [\n",
    ])
    func aYAMLErrorGivesTheLineAndColumnNeverTheText(yaml: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try SettingsSource(environment: [:], yaml: yaml, fileName: "lookout.yml", fileMode: 0o600)
        }
        #expect(error?.setting == "lookout.yml")
        #expect(error?.problem.contains("line") == true, "\(error?.problem ?? "")")
        #expect(error?.description.contains("SECRET") == false, "\(error?.description ?? "")")
        #expect(error?.description.contains("\n") == false)
    }

    @Test(arguments: [
        ("hikvision:\n  appKey: a\n  secret: s3cr3t-value\n", "HIKVISION_SECRET"),
        ("database:\n  url: postgres://lookout:s3cr3t-value@db:5432/lookout\n", "LOOKOUT_DATABASE_URL"),
        ("redis:\n  url: redis://:s3cr3t-value@cache:6379/0\n", "LOOKOUT_REDIS_URL"),
        ("mediamtx:\n  apiPassword: s3cr3t-value\n", "LOOKOUT_MEDIAMTX_API_PASSWORD"),
        ("streams:\n  urlKey: \"k1:s3cr3t-value\"\n", "LOOKOUT_STREAM_URL_KEY"),
    ])
    func aSecretInAFileOthersCanReadIsRefused(yaml: String, setting: String) throws {
        for mode in [0o644, 0o640, 0o604, 0o660] {
            let error = #expect(throws: ConfigurationError.self) {
                try SettingsSource(environment: [:], yaml: yaml, fileName: "/etc/lookout.yml", fileMode: mode)
            }
            #expect(error?.setting == setting)
            #expect(error?.problem.contains("0" + String(mode, radix: 8)) == true, "\(error?.problem ?? "")")
            #expect(error?.problem.contains("/etc/lookout.yml") == true)
            #expect(error?.description.contains("s3cr3t") == false)
        }
        for mode in [0o600, 0o400] {
            _ = try SettingsSource(environment: [:], yaml: yaml, fileName: "/etc/lookout.yml", fileMode: mode)
        }
    }

    @Test func urlsWithoutAPasswordAndOtherSettingsMayLiveInAnOpenFile() throws {
        let yaml = """
            database:
              url: postgres://lookout@db:5432/lookout
            redis:
              url: redis://cache:6379/0
            mediamtx:
              apiUser: admin
              configGroup: mediamtx
            http:
              port: 9000
            """
        let source = try SettingsSource(environment: [:], yaml: yaml, fileName: "lookout.yml", fileMode: 0o644)
        #expect(try LookoutSettings(source: source).httpPort == 9000)
    }

    @Test func settingsMarkTheirSecrets() {
        let secret = Set(Setting.all.filter { $0.secrecy != .none }.map(\.environmentName))
        #expect(
            secret == [
                "LOOKOUT_REDIS_URL", "LOOKOUT_DATABASE_URL", "HIKVISION_SECRET", "LOOKOUT_MEDIAMTX_API_PASSWORD", "LOOKOUT_STREAM_URL_KEY",
                "LOOKOUT_STREAM_URL_OLD_KEYS", "LOOKOUT_PLAYBACK_KEYS", "LOOKOUT_ALERT_WEBHOOKS", "LOOKOUT_ALERT_WEBHOOK_SECRET",
            ])
        #expect(Setting.databaseURL.isSecret("postgres://u:p@h/db") && !Setting.databaseURL.isSecret("postgres://u@h/db"))
        #expect(Setting.redisURL.isSecret("redis://:p@h:6379") && !Setting.redisURL.isSecret("redis://h:6379/0?x=a:b@c"))
    }

    @Test func streamURLKeysParseAndTheirErrorsNeverQuoteTheKey() throws {
        let key = "k1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
        let settings = try LookoutSettings(source: SettingsSource(environment: ["LOOKOUT_STREAM_URL_KEY": key]))
        #expect(settings.streams.streamURLCipher?.current.id == "k1")
        #expect(try LookoutSettings(source: SettingsSource(environment: [:])).streams.streamURLCipher == nil)
        for bad in ["k1", "k1:not-base64-SECRETKEY", "k1:c2hvcnQtU0VDUkVUS0VZ", "bad id!:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="] {
            let error = #expect(throws: ConfigurationError.self) {
                try LookoutSettings(source: SettingsSource(environment: ["LOOKOUT_STREAM_URL_KEY": bad]))
            }
            #expect(error?.setting == "LOOKOUT_STREAM_URL_KEY")
            #expect(error?.description.contains("SECRETKEY") == false && error?.description.contains("c2hvcnQ") == false, "\(error?.description ?? "")")
        }
        let duplicate = #expect(throws: ConfigurationError.self) {
            try LookoutSettings(source: SettingsSource(environment: ["LOOKOUT_STREAM_URL_KEY": key, "LOOKOUT_STREAM_URL_OLD_KEYS": key]))
        }
        #expect(duplicate?.problem.contains("twice") == true)
    }
}
