import Testing

@testable import LookoutStore

@Suite("Migration checksums and the migration list")
struct MigrationChecksumTests {
    @Test func checksumIsTheSHA256OfTheStatementsAsAScript() {
        // printf 'SELECT 1;\nSELECT 2' | sha256sum
        #expect(
            Migration.checksum(of: ["SELECT 1", "SELECT 2"])
                == "b77e18a77fe1646e882e86cabf008cc2b9f6aa70d6328ef4c10cb195d6b4b4b4"
        )
        #expect(Migration.checksum(of: ["ab"]) != Migration.checksum(of: ["a", "b"]))
    }

    @Test func releasedMigrationsAreNeverEdited() {
        // If this fails you edited a released migration, and every deployed database would refuse
        // the new build. Revert the edit and put the change in a new migration instead.
        #expect(LookoutSchema.migrations[0].checksum == Migration.initialChecksum)
    }

    @Test func versionsStartAtOneAndIncreaseByOne() {
        #expect(LookoutSchema.migrations.map(\.version) == Array(1...LookoutSchema.latestVersion))
        #expect(PostgresMigrator().latestVersion == LookoutSchema.latestVersion)
    }
}

extension Migration {
    /// The checksum migration 1 was released with.
    static let initialChecksum = "d167930afaf4040c258ec483c284c7abd335ec4e23264d0585567af89d9eea30"
}
