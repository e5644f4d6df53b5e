extension Migration {
    /// Schema v8 (issue 13): alerts that persist, and their outbox for webhooks.
    ///
    /// - `alerts`: one row per alert: its kind, its subject (an NVR, a camera, or the account as
    ///   id 0, with the name it had), when it started and recovered (null while open), who
    ///   acknowledged it (the API key's id and name) and when, and a short details text (never a
    ///   URL). At most one open alert per (kind, subject): `alerts_open_idx`, partial, is also
    ///   what producers and the sweeper's recovery read.
    /// - `alert_events`: the outbox, one row per opened or recovered alert, written in the same
    ///   statement as the change; `fanned_out_at` is set when the `alerts` worker copied it into
    ///   a delivery per webhook target.
    /// - `alert_deliveries`: one event for one target (a SHA-256 of its URL, never the URL):
    ///   `pending`, `sent`, or `dead` after the retries ran out (the dead set).
    /// - `alert_targets`: per target, when it may be sent to next (throttling and backoff), its
    ///   consecutive failures and a short lease so two workers never send to it at once.
    ///
    /// Never edit this migration once released; add a new one instead.
    static let v008AlertLog = Migration(
        version: 8,
        name: "alert_log",
        statements: [
            """
            CREATE TABLE alerts (
                id bigserial PRIMARY KEY,
                kind text NOT NULL,
                subject_type text NOT NULL,
                subject_id bigint NOT NULL,
                subject_name text NOT NULL DEFAULT '',
                started_at timestamptz NOT NULL DEFAULT now(),
                recovered_at timestamptz,
                acknowledged_key_id bigint,
                acknowledged_by text,
                acknowledged_at timestamptz,
                details text NOT NULL DEFAULT '',
                CONSTRAINT alerts_kind_check CHECK (kind IN (
                    'nvr_offline', 'camera_stream_down', 'renewal_failing', 'renewal_dead', 'url_expiring', 'cloud_credentials_rejected')),
                CONSTRAINT alerts_subject_type_check CHECK (subject_type IN ('nvr', 'camera', 'account')),
                CONSTRAINT alerts_details_check CHECK (length(details) <= 300),
                CONSTRAINT alerts_recovered_check CHECK (recovered_at IS NULL OR recovered_at >= started_at),
                CONSTRAINT alerts_ack_check CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
            )
            """,
            "CREATE UNIQUE INDEX alerts_open_idx ON alerts (kind, subject_id) WHERE recovered_at IS NULL",
            "CREATE INDEX alerts_started_at_idx ON alerts (started_at DESC, id DESC)",
            """
            CREATE TABLE alert_events (
                id bigserial PRIMARY KEY,
                alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
                event text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                fanned_out_at timestamptz,
                CONSTRAINT alert_events_event_check CHECK (event IN ('opened', 'recovered'))
            )
            """,
            "CREATE INDEX alert_events_pending_idx ON alert_events (id) WHERE fanned_out_at IS NULL",
            "CREATE INDEX alert_events_alert_idx ON alert_events (alert_id)",
            """
            CREATE TABLE alert_targets (
                target text PRIMARY KEY,
                label text NOT NULL,
                next_attempt_at timestamptz NOT NULL DEFAULT now(),
                failures integer NOT NULL DEFAULT 0,
                leased_until timestamptz,
                last_sent_at timestamptz
            )
            """,
            """
            CREATE TABLE alert_deliveries (
                id bigserial PRIMARY KEY,
                target text NOT NULL REFERENCES alert_targets (target) ON DELETE CASCADE,
                event_id bigint NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
                state text NOT NULL DEFAULT 'pending',
                attempts integer NOT NULL DEFAULT 0,
                last_error text,
                created_at timestamptz NOT NULL DEFAULT now(),
                finished_at timestamptz,
                CONSTRAINT alert_deliveries_state_check CHECK (state IN ('pending', 'sent', 'dead')),
                CONSTRAINT alert_deliveries_once UNIQUE (target, event_id)
            )
            """,
            "CREATE INDEX alert_deliveries_pending_idx ON alert_deliveries (target, id) WHERE state = 'pending'",
            "CREATE INDEX alert_deliveries_dead_idx ON alert_deliveries (id) WHERE state = 'dead'",
        ]
    )
}
