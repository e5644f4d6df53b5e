/// The migrations that make up Lookout's PostgreSQL schema, in version order.
public enum LookoutSchema {
    /// Every migration this build knows. Append new ones; never edit or reorder released ones.
    public static let migrations: [Migration] = [
        .v001Initial,
        .v002Alerts,
        .v003Streams,
        .v004RenewalDueAt,
        .v005DropUnusedIndexes,
        .v006SealedStreamURLs,
        .v007KeysAndLegacyAuth,
        .v008AlertLog,
    ]

    /// The schema version a fully migrated database has.
    public static var latestVersion: Int { Self.migrations.last?.version ?? 0 }
}
