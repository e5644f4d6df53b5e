import Foundation
import LookoutTestSupport
import Testing

/// The Dockerfile, read (no container engine runs here, so it is never built in make test): its
/// runtime stage holds the list of deploy/image/contents.txt and nothing else, by way of
/// scripts/package.sh and deploy/image/install-runtime.sh, the same script and list that
/// PackagedFolderTests runs a gateway from.
@Suite struct ImageDefinitionTests {
    let dockerfile: [String]

    init() throws {
        // Instructions, one per element: continuation lines joined, comments dropped.
        let text = try String(contentsOfFile: "Dockerfile", encoding: .utf8)
        dockerfile = text.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Everything after the last FROM: what the image is.
    var runtimeStage: [String] {
        Array(dockerfile.suffix(from: (dockerfile.lastIndex { $0.hasPrefix("FROM ") } ?? 0) + 1))
    }

    @Test func theRuntimeStageCopiesOnlyTheLayoutAndTheList() {
        let copies = runtimeStage.filter { $0.hasPrefix("COPY ") || $0.hasPrefix("ADD ") }
        #expect(copies.count == 2, "\(copies)")
        for copy in copies {
            let words = copy.split(separator: " ").map(String.init).dropFirst().filter { !$0.hasPrefix("--chown") }
            if words.first == "--from=build" {
                #expect(Array(words) == ["--from=build", "/layout/", "/opt/lookout/"], "\(copy)")
            } else {
                #expect(Set(words.dropLast()) == [RuntimeContents.path, "deploy/image/install-runtime.sh"], "\(copy)")
            }
        }
        // Debian packages come from the list only, through the install script.
        #expect(!runtimeStage.contains { $0.contains("apt-get") }, "apt-get outside deploy/image/install-runtime.sh")
        #expect(runtimeStage.contains { $0.hasPrefix("RUN sh /tmp/image/install-runtime.sh /tmp/image/contents.txt") })
    }

    @Test func theBuildStageLaysOutTheReleaseWithThePackageScript() {
        let build = dockerfile.prefix { !($0.hasPrefix("FROM ") && !$0.contains(" AS build")) }
        #expect(build.contains("RUN scripts/package.sh --configuration release --system-libs --out /layout"), "\(build)")
    }

    @Test func theImageRunsLookoutAsAnUnprivilegedUserWithAHealthcheck() throws {
        let contents = try RuntimeContents.read()
        #expect(runtimeStage.contains("ENTRYPOINT [\"lookout\"]"))
        let user = try #require(runtimeStage.last { $0.hasPrefix("USER ") })
        #expect(!["USER root", "USER 0", "USER 0:0"].contains(user))
        #expect(runtimeStage.contains { $0.hasPrefix("HEALTHCHECK ") && $0.hasSuffix("CMD [\"lookout\", \"healthcheck\"]") })
        #expect(runtimeStage.contains { $0.hasPrefix("ENV PATH=/opt/lookout/\((contents.binary[0] as NSString).deletingLastPathComponent):") })
        #expect(runtimeStage.contains("WORKDIR /opt/lookout"))
        #expect(runtimeStage.contains { $0.hasPrefix("EXPOSE ") && $0.contains("8080") && $0.contains("9091") })
    }

    @Test func theListNamesFilesThatExistAndTheBaseSystemsLibraries() throws {
        let contents = try RuntimeContents.read()
        #expect(contents.binary.count == 1)
        for path in contents.copies { #expect(FileManager.default.fileExists(atPath: path), "\(path) is on the list but not in the repository") }
        #expect(contents.debianPackages.contains { $0.hasPrefix("libhiredis") })
        #expect(contents.baseLibraries.isSuperset(of: ["libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1"]))
    }

    /// The image builds with the toolchain the tests ran on (major.minor).
    @Test func theBuildImageMatchesThisToolchain() async throws {
        let version = try await ChildProcess.run("/usr/bin/env", ["swift", "--version"])
        let match = try #require(version.stdout.firstMatch(of: /Swift version (\d+\.\d+)/), "\(version.stdout)\(version.stderr)")
        let argument = try #require(dockerfile.first { $0.hasPrefix("ARG SWIFT_IMAGE=") })
        #expect(argument.hasPrefix("ARG SWIFT_IMAGE=swift:\(match.1)"), "\(argument) vs Swift \(match.1)")
        #expect(argument.hasSuffix("-bookworm") && dockerfile.contains("ARG RUNTIME_IMAGE=debian:bookworm-slim"))
    }

    @Test func theBuildContextLeavesOutBuildsDataAndHistory() throws {
        let ignored = Set(try String(contentsOfFile: ".dockerignore", encoding: .utf8).split(separator: "\n").map(String.init))
        #expect(ignored.isSuperset(of: [".build", ".build-*", ".lookout", "artifacts", ".git"]))
    }
}
