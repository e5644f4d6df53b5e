/// What one ``PostgresMigrator/migrate(client:logger:)`` call did.
public struct MigrationReport: Sendable, Hashable {
    /// Versions this call applied, in order. Empty when the schema was already current.
    public var appliedVersions: [Int]
    /// The schema version after the call.
    public var currentVersion: Int

    public init(appliedVersions: [Int], currentVersion: Int) {
        self.appliedVersions = appliedVersions
        self.currentVersion = currentVersion
    }

    /// True when there was nothing to do.
    public var wasAlreadyCurrent: Bool { self.appliedVersions.isEmpty }
}
