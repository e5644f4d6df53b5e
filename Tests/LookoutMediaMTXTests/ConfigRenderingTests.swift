import Foundation
import LookoutMediaMTX
import Testing
import Yams

@Suite("mediamtx.yml rendering")
struct ConfigRenderingTests {
    static let base = """
        logLevel: info
        api: true
        rtspEncryption: "no"
        authInternalUsers:
          - user: any
            pass:
            permissions:
              - action: read
        pathDefaults:
          sourceOnDemand: true
        paths:
          handmade:
            source: publisher
            record: yes
          old-cam:
            source: "rtmp://u:p@old.example.com/live"
          all_others:
        """

    func load(_ yaml: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: yaml) as? [String: Any])
    }

    /// A loaded YAML value as text with mapping keys sorted, for order-independent comparison.
    static func canonical(_ value: Any?) -> String {
        switch value {
        case let mapping as [AnyHashable: Any]:
            "{" + mapping.map { ("\($0.key)", canonical($0.value)) }.sorted { $0.0 < $1.0 }.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
        case let sequence as [Any]:
            "[" + sequence.map(canonical).joined(separator: ", ") + "]"
        case nil:
            "nil"
        case let scalar?:
            "\(type(of: scalar))(\(scalar))"
        }
    }

    @Test func keepsUnrelatedKeysAndUnmanagedPathsAndRemovesOnlyFormerlyManagedOnes() throws {
        let config = try MediaMTXConfig(yaml: Self.base)
        let rendered = try config.rendering(sources: ["cam-1": Fixture.url("a"), "site/cam-2": Fixture.url("b")], formerlyManaged: ["old-cam", "gone"])
        let before = try load(Self.base)
        let after = try load(rendered.yaml)
        for key in ["logLevel", "api", "rtspEncryption", "authInternalUsers", "pathDefaults"] {
            #expect(Self.canonical(before[key]) == Self.canonical(after[key]), "\(key) must be kept")
        }
        let paths = try #require(after["paths"] as? [String: Any])
        #expect(Set(paths.keys) == ["handmade", "all_others", "cam-1", "site/cam-2"])
        #expect(Self.canonical(paths["handmade"]) == Self.canonical((before["paths"] as? [String: Any])?["handmade"]))
        #expect((paths["cam-1"] as? [String: Any])?["source"] as? String == Fixture.url("a"))
        #expect(rendered.pathSources["site/cam-2"] == Fixture.url("b"))
        #expect(rendered.pathNames.prefix(2) == ["handmade", "all_others"], "unmanaged paths keep their order")
        // Quoted strings survive: "no" stays a string, URLs and managed names are double-quoted.
        #expect(after["rtspEncryption"] as? String == "no")
        #expect(rendered.yaml.contains("\"cam-1\":"))
        #expect(rendered.yaml.contains("source: \"\(Fixture.url("a"))\""))
    }

    @Test func aManagedPathThatStaysIsRewrittenAndAHandmadeOneWithACamerasNameIsTakenOver() throws {
        let config = try MediaMTXConfig(yaml: Self.base)
        let rendered = try config.rendering(sources: ["old-cam": Fixture.url("new"), "handmade": Fixture.url("h")], formerlyManaged: ["old-cam"])
        #expect(rendered.pathSources["old-cam"] == Fixture.url("new"))
        #expect(rendered.pathSources["handmade"] == Fixture.url("h"))
        #expect(try load(rendered.yaml)["paths"].map { ($0 as! [String: Any]).count } == 3)
    }

    @Test func renderingIsStableSoAnUnchangedStateWritesNothing() throws {
        let once = try MediaMTXConfig(yaml: Self.base).rendering(sources: ["cam-1": Fixture.url("a")], formerlyManaged: [])
        let twice = try once.rendering(sources: ["cam-1": Fixture.url("a")], formerlyManaged: ["cam-1"])
        #expect(once.yaml == twice.yaml)
    }

    @Test func removingEveryManagedPathLeavesTheHandmadeOnes() throws {
        let config = try MediaMTXConfig(yaml: "paths:\n  cam-1:\n    source: publisher\n")
        let rendered = try config.rendering(sources: [:], formerlyManaged: ["cam-1"])
        #expect(rendered.pathNames.isEmpty)
        _ = try MediaMTXConfig(yaml: rendered.yaml)
    }

    @Test(arguments: ["a b", "", "/lead", "trail/", "a//b", "a/../b", ".", "x:y", "~regexp", "cam?", "ça"])
    func invalidNamesAreRejected(name: String) throws {
        #expect(!MediaMTXValidation.isValidPathName(name))
        let error = try #require(throws: MediaMTXConfigError.self) {
            try MediaMTXConfig(yaml: Self.base).rendering(sources: [name: Fixture.url("a")], formerlyManaged: [])
        }
        #expect(error.code == .invalidPathName)
    }

    @Test(arguments: ["cam-1", "nvr_01.site-cam-2", "site/a/b", "A.b_c-d"])
    func validNamesAreAccepted(name: String) {
        #expect(MediaMTXValidation.isValidPathName(name))
    }

    @Test(arguments: ["rtmp://", "not a url", "foo", "rtmp://user@host/live", "ftp://host/x", "rtmp://host/a\nb"])
    func invalidSourcesAreRejectedWithoutQuotingTheURL(source: String) throws {
        let error = try #require(throws: MediaMTXConfigError.self) {
            try MediaMTXConfig(yaml: Self.base).rendering(sources: ["cam": source], formerlyManaged: [])
        }
        #expect(error.code == .invalidSource)
        #expect(!error.description.contains(source))
    }

    @Test func unknownKeysInTheBaseFileRefuseTheWrite() throws {
        let topLevel = try MediaMTXConfig(yaml: "logLevel: info\nlogLevl: debug\npaths:\n")
        #expect(throws: MediaMTXConfigError.self) { try topLevel.rendering(sources: [:], formerlyManaged: []) }
        let inPath = try MediaMTXConfig(yaml: "paths:\n  hand:\n    sorce: publisher\n")
        let error = try #require(throws: MediaMTXConfigError.self) { try inPath.rendering(sources: [:], formerlyManaged: []) }
        #expect(error.code == .unknownKey)
    }

    @Test func aFileThatDoesNotParseIsRefused() {
        let error = #expect(throws: MediaMTXConfigError.self) { try MediaMTXConfig(yaml: "paths: [unclosed\n  - : :") }
        #expect(error?.code == .invalidYAML)
        #expect(throws: MediaMTXConfigError.self) { try MediaMTXConfig(yaml: "- a list\n- not a mapping\n") }
    }

    @Test func theProjectsBaseConfigRendersAndKeepsItsSettings() throws {
        let config = try MediaMTXConfig.load(path: Fixture.baseConfigPath)
        let rendered = try config.rendering(sources: ["cam-1": Fixture.url("a")], formerlyManaged: [])
        let before = try load(config.yaml)
        let after = try load(rendered.yaml)
        #expect(Set(after.keys) == Set(before.keys))
        for key in before.keys where key != "paths" {
            #expect(Self.canonical(before[key]) == Self.canonical(after[key]), "\(key) must be kept")
        }
    }
}
