extension Migration {
    /// Schema v4: `renewals.due_at`, the due time of the job an attempt ran for, so the history
    /// shows that no camera was renewed twice for one due time.
    ///
    /// Never edit this migration once released; add a new one instead.
    static let v004RenewalDueAt = Migration(
        version: 4,
        name: "renewal_due_at",
        statements: [
            "ALTER TABLE renewals ADD COLUMN due_at timestamptz"
        ]
    )
}
