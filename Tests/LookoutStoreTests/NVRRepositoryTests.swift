import LookoutCore
import LookoutStore
import PostgresNIO
import Testing

@Suite("PostgresNVRRepository against a real PostgreSQL", .timeLimit(.minutes(1)))
struct NVRRepositoryTests {
    @Test func createStoresTheHashedTokenAndTheCameras() async throws {
        try await TestDatabase.withMigrated { client in
            let repository = PostgresNVRRepository(client: client, logger: TestDatabase.logger)
            let (nvr, token) = try await repository.create(hostname: "nvr-01.site", name: "Gate", cameraCount: 3)
            #expect(token.hasPrefix("nvr_"))
            #expect(nvr.hostname == "nvr-01.site")
            #expect(nvr.name == "Gate")
            #expect(nvr.status == .unknown)
            #expect(nvr.version == 0)
            #expect(nvr.lastSeenAt == nil)
            #expect(nvr.cameras.map(\.name) == ["nvr-01.site camera 1", "nvr-01.site camera 2", "nvr-01.site camera 3"])
            #expect(nvr.cameras.map(\.path) == ["nvr-01_site-cam-1", "nvr-01_site-cam-2", "nvr-01_site-cam-3"])
            #expect(nvr.cameras.allSatisfy { $0.enabled && $0.status == .unknown && $0.renewalState == "idle" })
            let channels = try await client.strings("SELECT hik_channel_no::text FROM cameras ORDER BY id")
            #expect(channels == ["1", "2", "3"])

            let credentials = try #require(try await repository.credentials(hostname: "nvr-01.site"))
            #expect(credentials == NVRCredentials(id: nvr.id, hostname: "nvr-01.site", tokenHash: SecretHash.sha256Hex(token), connectionVersion: 0))
            #expect(try await repository.credentials(hostname: "NVR-01.site") == nil, "hostnames compare case-sensitively")
            #expect(try await repository.credentials(hostname: "nope") == nil)
        }
    }

    @Test func duplicateHostnameIsATypedErrorAndLeavesNoCameras() async throws {
        try await TestDatabase.withMigrated { client in
            let repository = PostgresNVRRepository(client: client, logger: TestDatabase.logger)
            _ = try await repository.create(hostname: "nvr-1", name: "A", cameraCount: 1)
            let error = try await #require(throws: StoreError.self) {
                try await repository.create(hostname: "nvr-1", name: "B", cameraCount: 2)
            }
            #expect(error.code == .duplicate)
            #expect(error.field == "hostname")
            #expect(try await client.scalar("SELECT count(*)::bigint FROM cameras", as: Int.self) == 1)

            // Another hostname whose paths would collide: the transaction rolls back the NVR too.
            _ = try await repository.create(hostname: "nvr_1", name: "B", cameraCount: 1)
            let pathError = try await #require(throws: StoreError.self) {
                try await repository.create(hostname: "nvr:1", name: "C", cameraCount: 1)
            }
            #expect(pathError.code == .duplicate)
            #expect(pathError.field == "mediamtx_path")
            #expect(try await repository.credentials(hostname: "nvr:1") == nil)
            _ = try await repository.create(hostname: "nvr-2", name: "No cameras", cameraCount: 0)
        }
    }

    @Test func rotateTokenReplacesTheHash() async throws {
        try await TestDatabase.withMigrated { client in
            let repository = PostgresNVRRepository(client: client, logger: TestDatabase.logger)
            let (nvr, old) = try await repository.create(hostname: "nvr-1", name: "", cameraCount: 0)
            let new = try await repository.rotateToken(id: nvr.id)
            #expect(new != old)
            #expect(try await repository.credentials(hostname: "nvr-1")?.tokenHash == SecretHash.sha256Hex(new))
            let error = try await #require(throws: StoreError.self) { try await repository.rotateToken(id: nvr.id + 100) }
            #expect(error.code == .notFound)
        }
    }

    @Test func snapshotOrdersNVRsByHostnameAndCamerasById() async throws {
        try await TestDatabase.withMigrated { client in
            let repository = PostgresNVRRepository(client: client, logger: TestDatabase.logger)
            let c = try await repository.create(hostname: "c", name: "", cameraCount: 2).nvr
            let a = try await repository.create(hostname: "a", name: "", cameraCount: 1).nvr
            let b = try await repository.create(hostname: "b", name: "", cameraCount: 0).nvr
            // A camera added to `c` later, and one that belongs to no NVR.
            try await client.query("INSERT INTO cameras (nvr_id, name) VALUES (\(c.id), 'late')")
            try await client.query("INSERT INTO cameras (name) VALUES ('orphan')")
            try await client.query(
                "UPDATE cameras SET stream_url = 'rtmp://x', stream_expires_at = to_timestamp(1700000000.5) WHERE name = 'late'"
            )

            let snapshot = try await repository.snapshot()
            #expect(snapshot.map(\.hostname) == ["a", "b", "c"])
            #expect(snapshot.map { $0.cameras.count } == [1, 0, 3])
            let cCameras = snapshot[2].cameras
            #expect(cCameras.map(\.id) == cCameras.map(\.id).sorted())
            #expect(cCameras.last?.name == "late")
            #expect(cCameras.last?.streamExpiresAt == 1_700_000_000_500)
            #expect(cCameras.last?.path == nil)
            #expect(snapshot[0] == a)
            #expect(snapshot[1] == b)

            let some = try await repository.states(ids: [c.id, a.id, 9999])
            #expect(some.map(\.hostname) == ["a", "c"])
            #expect(some[1] == snapshot[2])
            #expect(try await repository.states(ids: []).isEmpty)
        }
    }
}
