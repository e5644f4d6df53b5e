import Foundation
import LookoutMediaMTX
import LookoutMediaMTXSimulator
import LookoutTestSupport
import Testing

@Suite("MediaMTXAPIClient against the double", .timeLimit(.minutes(1)))
struct APIClientTests {
    @Test func setSourceAddsOn404ThenPatchesAndConfirmsAfterTheDelayedApply() async throws {
        var options = MediaMTXDouble.Options()
        options.applyDelay = .milliseconds(300)
        let server = try await Fixture.startDouble(options)
        try await withTeardown({ await server.stop() }) {
            let client = Fixture.apiClient(await server.baseURL)

            #expect(try await client.setSource(Fixture.url("a"), path: "cam-1") == .added)
            // Accepted, not applied yet: the config GET still says nothing.
            #expect(try await client.pathConfig(name: "cam-1") == nil)
            try await client.confirmSource(Fixture.url("a"), path: "cam-1")
            #expect(try await client.pathConfig(name: "cam-1")?.source == Fixture.url("a"))

            #expect(try await client.apply(source: Fixture.url("b"), path: "cam-1") == .patched)
            #expect(await server.double.sources()["cam-1"] == Fixture.url("b"))
            let requests = await server.double.requests()
            #expect(requests.filter { $0.hasPrefix("PATCH /v3/config/paths/patch/cam-1") }.count == 2)
            #expect(requests.filter { $0.hasPrefix("POST /v3/config/paths/add/cam-1") }.count == 1)
        }
    }

    @Test func slashedNamesListsDeletesAndReaders() async throws {
        let server = try await Fixture.startDouble()
        try await withTeardown({ await server.stop() }) {
            let client = Fixture.apiClient(await server.baseURL)
            for index in 0..<130 { try await client.setSource(Fixture.url("\(index)"), path: "site/cam-\(index)") }
            try await client.confirmSource(Fixture.url("129"), path: "site/cam-129")
            let all = try await client.pathConfigs()
            #expect(all.count == 130, "two pages of 100 are read")
            #expect(all.first { $0.name == "site/cam-7" }?.source == Fixture.url("7"))

            #expect(try await client.readers(path: "site/cam-1").isEmpty)
            await server.double.setReaders(path: "site/cam-1", count: 2)
            #expect(try await client.readers(path: "site/cam-1").count == 2)
            #expect(try await client.readers(path: "nope").isEmpty, "an unknown path has no readers (404)")

            #expect(try await client.deletePath(name: "site/cam-1"))
            #expect(try await client.deletePath(name: "never-there") == false)
        }
    }

    @Test func aSourceChangeDropsThePathsReaders() async throws {
        let server = try await Fixture.startDouble()
        try await withTeardown({ await server.stop() }) {
            let client = Fixture.apiClient(await server.baseURL)
            try await client.apply(source: Fixture.url("a"), path: "cam")
            await server.double.setReaders(path: "cam", count: 3)
            try await client.apply(source: Fixture.url("a"), path: "cam")
            #expect(await server.double.readerCount(path: "cam") == 3, "re-sending the same conf is a no-op")
            try await client.apply(source: Fixture.url("b"), path: "cam")
            #expect(await server.double.readerCount(path: "cam") == 0)
        }
    }

    @Test func unauthorizedIsTypedAndCredentialsWork() async throws {
        let server = try await Fixture.startDouble()
        try await withTeardown({ await server.stop() }) {
            await server.double.requireCredentials(user: "lookout", pass: "s3cret")
            let anonymous = Fixture.apiClient(await server.baseURL)
            let error = try await #require(throws: MediaMTXAPIError.self) { try await anonymous.setSource(Fixture.url("a"), path: "cam") }
            #expect(error.code == .unauthorized)
            #expect(error.status == 401)
            let wrong = Fixture.apiClient(await server.baseURL, user: "lookout", pass: "nope")
            #expect(try await #require(throws: MediaMTXAPIError.self) { try await wrong.pathConfigs() }.code == .unauthorized)
            let right = Fixture.apiClient(await server.baseURL, user: "lookout", pass: "s3cret")
            try await right.apply(source: Fixture.url("a"), path: "cam")
        }
    }

    @Test func badRequestCarriesMediaMTXsTextWithoutTheURL() async throws {
        let server = try await Fixture.startDouble()
        try await withTeardown({ await server.stop() }) {
            let client = Fixture.apiClient(await server.baseURL)
            let badSource = try await #require(throws: MediaMTXAPIError.self) { try await client.setSource("rtmp://", path: "cam") }
            #expect(badSource.code == .badRequest)
            #expect(badSource.message == "'<url>' is not a valid URL")
            let badName = try await #require(throws: MediaMTXAPIError.self) { try await client.setSource(Fixture.url("a"), path: "a b") }
            #expect(badName.code == .badRequest)
            #expect(badName.message.hasPrefix("invalid path name 'a b'"))
            let noUser = try await #require(throws: MediaMTXAPIError.self) {
                try await client.setSource("rtmp://user@host.example.com/live", path: "cam")
            }
            #expect(noUser.message == "username and password must be both provided")
        }
    }

    @Test func unreachableIsTypedWhenRefusedOrUnavailable() async throws {
        let refused = Fixture.apiClient("http://127.0.0.1:\(try TestEnvironment.freePort())")
        #expect(try await #require(throws: MediaMTXAPIError.self) { try await refused.pathConfigs() }.code == .unreachable)

        let server = try await Fixture.startDouble()
        try await withTeardown({ await server.stop() }) {
            let client = Fixture.apiClient(await server.baseURL)
            await server.double.setDown(.unavailable)
            let error = try await #require(throws: MediaMTXAPIError.self) { try await client.setSource(Fixture.url("a"), path: "cam") }
            #expect(error.code == .unreachable)
            #expect(error.status == 503)
            await server.double.setDown(nil)
            try await client.apply(source: Fixture.url("a"), path: "cam")

            await server.stop()
            #expect(try await #require(throws: MediaMTXAPIError.self) { try await client.pathConfigs() }.code == .unreachable)
            try await server.start()
            #expect(try await client.pathConfigs().count == 1, "back on the same port")
        }
    }

    @Test func preV1155BodiesAreAccepted() async throws {
        let server = try await Fixture.startDouble()
        try await withTeardown({ await server.stop() }) {
            await server.double.setLegacyBodies(true)
            let client = Fixture.apiClient(await server.baseURL)
            #expect(try await client.apply(source: Fixture.url("a"), path: "cam") == .added)
            let error = try await #require(throws: MediaMTXAPIError.self) { try await client.setSource("foo", path: "cam") }
            #expect(error.code == .badRequest)
            #expect(error.message == "invalid source: 'foo'")
        }
    }
}
