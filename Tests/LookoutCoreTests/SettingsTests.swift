import Foundation
import LookoutCore
import Testing

@Suite struct SettingsTests {
    @Test func defaultsApplyWhenNothingIsSet() throws {
        let settings = try LookoutSettings(source: SettingsSource(environment: [:]))
        #expect(settings.httpPort == 8080)
        #expect(settings.heartbeatInterval == .seconds(10))
        #expect(settings.keys.presenceStream == "lookout:presence")
        #expect(settings.redisURL == nil)
    }

    @Test func aMissingRequiredSettingNamesItself() {
        let error = #expect(throws: ConfigurationError.self) {
            try LookoutSettings(source: SettingsSource(environment: [:]), requiring: [.redisURL])
        }
        #expect(error?.setting == "LOOKOUT_REDIS_URL")
        #expect(error?.description.contains("\n") == false)
    }

    @Test func theRemovedGlobalHostnameOnlySwitchStopsTheProcess() throws {
        _ = try LookoutSettings(source: SettingsSource(environment: ["LOOKOUT_ALLOW_HOSTNAME_ONLY_AUTH": "false"]))
        let error = #expect(throws: ConfigurationError.self) {
            try LookoutSettings(source: SettingsSource(environment: ["LOOKOUT_ALLOW_HOSTNAME_ONLY_AUTH": "true"]))
        }
        #expect(error?.setting == "LOOKOUT_ALLOW_HOSTNAME_ONLY_AUTH")
        #expect(error?.problem.contains("per-NVR") == true)
    }

    @Test(arguments: [
        ("LOOKOUT_HTTP_PORT", "eighty"), ("LOOKOUT_HTTP_PORT", "70000"), ("LOOKOUT_HEARTBEAT_INTERVAL", "0"),
        ("LOOKOUT_HLS_JS_INTEGRITY", "sha384-short"), ("LOOKOUT_HLS_JS_INTEGRITY", "md5-V5ruNBgmYcC3SJRUQeNykAAAgde5gOFq/Hu0CZj7bygDP0yRIhkvX8+w0u/7mRvr"),
        ("LOOKOUT_ALLOW_HOSTNAME_ONLY_AUTH", "maybe"), ("LOG_LEVEL", "loud"),
    ])
    func malformedValuesAreRejected(name: String, value: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try LookoutSettings(source: SettingsSource(environment: [name: value]))
        }
        #expect(error?.setting == name)
        #expect(error?.problem.contains(value) == true)
    }

    @Test func theEnvironmentOverridesTheFile() throws {
        let yaml = """
            redis:
              url: redis://file:6379
              keyPrefix: "site1:"
            http:
              port: 9000
            """
        let source = try SettingsSource(environment: ["LOOKOUT_HTTP_PORT": "9100"], yaml: yaml, fileName: "lookout.yml")
        let settings = try LookoutSettings(source: source, requiring: [.redisURL])
        #expect(settings.redisURL == "redis://file:6379")
        #expect(settings.httpPort == 9100)
        #expect(settings.keys.notifyChannel == "site1:notify")
    }

    @Test func unknownOrBrokenFileKeysAreErrors() {
        let unknown = #expect(throws: ConfigurationError.self) {
            try SettingsSource(environment: [:], yaml: "redis:\n  urll: x\n", fileName: "lookout.yml")
        }
        #expect(unknown?.setting == "lookout.yml")
        #expect(unknown?.problem == "unknown key 'redis.urll'")
        #expect(throws: ConfigurationError.self) { try SettingsSource(environment: [:], yaml: "redis: [unclosed", fileName: "f") }
        #expect(throws: ConfigurationError.self) { try SettingsSource(environment: [:], yaml: "- a list", fileName: "f") }
    }

    @Test func everySettingHasADistinctNameAndKey() {
        #expect(Set(Setting.all.map(\.environmentName)).count == Setting.all.count)
        #expect(Set(Setting.all.map(\.yamlKey)).count == Setting.all.count)
    }
}

@Suite struct SettingsDocumentationTests {
    /// The README's table is the settings' documentation: every setting must be in it.
    @Test func theReadmeListsEverySetting() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        for setting in Setting.all {
            #expect(text.contains("| `\(setting.environmentName)` | `\(setting.yamlKey)` |"), "\(setting.environmentName) missing from README")
        }
    }
}
