extension Migration {
    /// Schema v1: NVRs and their sessions, cameras with their stream and renewal state, the renewal
    /// history and API keys. `docs/schema.md` explains each table and index.
    ///
    /// Never edit this migration once released: the migrator refuses a database whose stored
    /// checksum differs. Change the schema with a new migration instead.
    static let v001Initial = Migration(
        version: 1,
        name: "initial",
        statements: [
            """
            CREATE FUNCTION lookout_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.updated_at := now();
                RETURN NEW;
            END
            $$
            """,
            """
            CREATE TABLE nvrs (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                hostname text NOT NULL,
                name text NOT NULL DEFAULT '',
                token_hash text,
                token_rotated_at timestamptz,
                status text NOT NULL DEFAULT 'unknown',
                status_changed_at timestamptz NOT NULL DEFAULT now(),
                last_seen_at timestamptz,
                connection_version bigint NOT NULL DEFAULT 0,
                session_id text,
                gateway_id text,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT nvrs_hostname_key UNIQUE (hostname),
                CONSTRAINT nvrs_hostname_check CHECK (hostname <> ''),
                CONSTRAINT nvrs_token_hash_check CHECK (token_hash ~ '^[0-9a-f]{64}$'),
                CONSTRAINT nvrs_status_check CHECK (status IN ('online', 'offline', 'unknown')),
                CONSTRAINT nvrs_connection_version_check CHECK (connection_version >= 0)
            )
            """,
            """
            CREATE TABLE cameras (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                nvr_id bigint REFERENCES nvrs (id) ON DELETE SET NULL,
                name text NOT NULL DEFAULT '',
                status text NOT NULL DEFAULT 'unknown',
                status_reason text,
                status_changed_at timestamptz NOT NULL DEFAULT now(),
                hik_resource_id text,
                hik_device_serial text,
                hik_channel_no integer,
                enabled boolean NOT NULL DEFAULT true,
                mediamtx_path text,
                stream_url text,
                stream_expires_at timestamptz,
                pending_stream_url text,
                pending_stream_expires_at timestamptz,
                renewal_state text NOT NULL DEFAULT 'idle',
                renewal_due_at timestamptz,
                renewal_attempts integer NOT NULL DEFAULT 0,
                renewal_last_error text,
                snapshot_url text,
                snapshot_at timestamptz,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT cameras_status_check CHECK (status IN ('online', 'offline', 'unknown')),
                CONSTRAINT cameras_hik_resource_id_key UNIQUE (hik_resource_id),
                CONSTRAINT cameras_hik_channel_no_check CHECK (hik_channel_no > 0),
                CONSTRAINT cameras_mediamtx_path_key UNIQUE (mediamtx_path),
                CONSTRAINT cameras_mediamtx_path_check CHECK (
                    mediamtx_path ~ '^[0-9A-Za-z_.-]+(/[0-9A-Za-z_.-]+)*$'
                    AND mediamtx_path !~ '(^|/)\\.\\.?(/|$)'
                ),
                CONSTRAINT cameras_stream_check CHECK ((stream_url IS NULL) = (stream_expires_at IS NULL)),
                CONSTRAINT cameras_pending_stream_check CHECK (
                    (pending_stream_url IS NULL) = (pending_stream_expires_at IS NULL)
                ),
                CONSTRAINT cameras_renewal_state_check CHECK (
                    renewal_state IN ('idle', 'scheduled', 'running', 'retrying', 'failed')
                ),
                CONSTRAINT cameras_renewal_due_check CHECK (
                    renewal_state NOT IN ('scheduled', 'retrying') OR renewal_due_at IS NOT NULL
                ),
                CONSTRAINT cameras_renewal_attempts_check CHECK (renewal_attempts >= 0)
            )
            """,
            """
            CREATE TABLE nvr_sessions (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                nvr_id bigint NOT NULL REFERENCES nvrs (id) ON DELETE CASCADE,
                session_id text NOT NULL,
                connection_version bigint NOT NULL,
                gateway_id text NOT NULL,
                connected_at timestamptz NOT NULL DEFAULT now(),
                disconnected_at timestamptz,
                disconnect_reason text,
                CONSTRAINT nvr_sessions_session_id_key UNIQUE (session_id),
                CONSTRAINT nvr_sessions_disconnect_reason_check CHECK (
                    disconnect_reason IS NULL OR disconnected_at IS NOT NULL
                )
            )
            """,
            """
            CREATE TABLE renewals (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                camera_id bigint NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
                attempt integer NOT NULL DEFAULT 1,
                started_at timestamptz NOT NULL DEFAULT now(),
                finished_at timestamptz,
                outcome text,
                old_expires_at timestamptz,
                new_expires_at timestamptz,
                error text,
                CONSTRAINT renewals_attempt_check CHECK (attempt >= 1),
                CONSTRAINT renewals_outcome_check CHECK (
                    outcome IN ('renewed', 'failed', 'device_offline', 'cancelled')
                ),
                CONSTRAINT renewals_finished_check CHECK ((outcome IS NULL) = (finished_at IS NULL))
            )
            """,
            """
            CREATE TABLE api_keys (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name text NOT NULL,
                key_hash text NOT NULL,
                role text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                last_used_at timestamptz,
                revoked_at timestamptz,
                CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
                CONSTRAINT api_keys_key_hash_check CHECK (key_hash ~ '^[0-9a-f]{64}$'),
                CONSTRAINT api_keys_role_check CHECK (role IN ('admin', 'viewer'))
            )
            """,
            "CREATE INDEX nvrs_status_idx ON nvrs (status)",
            "CREATE INDEX nvrs_online_last_seen_at_idx ON nvrs (last_seen_at) WHERE status = 'online'",
            "CREATE INDEX cameras_nvr_id_idx ON cameras (nvr_id)",
            "CREATE INDEX cameras_status_idx ON cameras (status)",
            "CREATE INDEX cameras_renewal_due_at_idx ON cameras (renewal_due_at) WHERE enabled",
            "CREATE INDEX nvr_sessions_nvr_id_connected_at_idx ON nvr_sessions (nvr_id, connected_at DESC)",
            "CREATE INDEX nvr_sessions_open_idx ON nvr_sessions (nvr_id) WHERE disconnected_at IS NULL",
            "CREATE INDEX renewals_camera_id_started_at_idx ON renewals (camera_id, started_at DESC)",
            """
            CREATE TRIGGER nvrs_touch_updated_at BEFORE UPDATE ON nvrs
                FOR EACH ROW EXECUTE FUNCTION lookout_touch_updated_at()
            """,
            """
            CREATE TRIGGER cameras_touch_updated_at BEFORE UPDATE ON cameras
                FOR EACH ROW EXECUTE FUNCTION lookout_touch_updated_at()
            """,
        ]
    )
}
