namespace OpenHands.Sdk.PostgreSql.Internal;

/// <summary>
/// The schema, as numbered steps applied in order; a step is never edited once shipped, only followed by a new one.
/// </summary>
internal static class SchemaMigrations
{
    /// <summary>The steps: version <c>i + 1</c> is <c>Steps[i]</c>.</summary>
    public static readonly IReadOnlyList<string> Steps =
    [
        // 1: LLM profiles and provider connections.
        """
        CREATE TABLE llm_profiles (
            name text PRIMARY KEY,
            document text NOT NULL,
            revision bigint NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE provider_connections (
            id text PRIMARY KEY,
            position bigint GENERATED ALWAYS AS IDENTITY,
            display_name text NOT NULL,
            provider text NOT NULL,
            api_key text NULL,
            base_url text NULL,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            revision bigint NOT NULL
        );
        CREATE INDEX provider_connections_position ON provider_connections (position);
        """,

        // 2: settings (one row) and agent profiles.
        """
        CREATE TABLE settings (
            name text PRIMARY KEY,
            document text NOT NULL,
            revision bigint NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE agent_profiles (
            name text PRIMARY KEY,
            document text NOT NULL,
            revision bigint NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        """,

        // 3: conversations (state and server metadata documents) and their events, one row per event in log order.
        """
        CREATE TABLE conversations (
            id uuid PRIMARY KEY,
            state text NULL,
            metadata text NULL,
            revision bigint NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE conversation_events (
            conversation_id uuid NOT NULL,
            seq integer NOT NULL,
            event_id text NOT NULL,
            kind text NOT NULL,
            "timestamp" timestamptz NOT NULL,
            document text NOT NULL,
            PRIMARY KEY (conversation_id, seq),
            UNIQUE (conversation_id, event_id)
        );
        """,

        // 4: conversation leases (one owner at a time, a fencing token that only grows) and the token each event and the
        // last state write were made under (NULL: written without a lease).
        """
        CREATE TABLE conversation_leases (
            conversation_id uuid PRIMARY KEY,
            owner text NOT NULL,
            token bigint NOT NULL,
            expires_at timestamptz NOT NULL,
            run_wanted boolean NOT NULL DEFAULT false,
            owner_url text NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX conversation_leases_expiry ON conversation_leases (expires_at) WHERE run_wanted;
        ALTER TABLE conversation_events ADD COLUMN lease_token bigint NULL;
        ALTER TABLE conversations ADD COLUMN lease_token bigint NULL;
        """,

        // 5: a notification on the channel openhands_conversations for every committed event row ('<id> <seq> <token>'),
        // state write ('<id> state <token>') and delete ('<id> deleted'), the token being the lease token the write was
        // made under ('-' without one); PostgreSQL delivers them at commit, so a listener never hears of a row it cannot
        // read yet.
        """
        CREATE FUNCTION openhands_notify_event() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('openhands_conversations', NEW.conversation_id::text || ' ' || NEW.seq::text || ' ' || coalesce(NEW.lease_token::text, '-'));
            RETURN NULL;
        END $$;
        CREATE TRIGGER conversation_events_notify AFTER INSERT ON conversation_events
            FOR EACH ROW EXECUTE FUNCTION openhands_notify_event();
        CREATE FUNCTION openhands_notify_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                PERFORM pg_notify('openhands_conversations', OLD.id::text || ' deleted');
            ELSIF NEW.state IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.state END) THEN
                PERFORM pg_notify('openhands_conversations', NEW.id::text || ' state ' || coalesce(NEW.lease_token::text, '-'));
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER conversations_notify AFTER INSERT OR UPDATE OR DELETE ON conversations
            FOR EACH ROW EXECUTE FUNCTION openhands_notify_conversation();
        """,
    ];

    /// <summary>Creates the version table when missing; run under the migration lock.</summary>
    public const string CreateVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";

    public const string CurrentVersion = "SELECT coalesce(max(version), 0) FROM schema_version";

    public const string RecordVersion = "INSERT INTO schema_version (version) VALUES ($1)";

    /// <summary>The session-level advisory lock held while migrating (any fixed number; shared by every instance).</summary>
    public const long MigrationLockKey = 0x4F48_5343_4845_4D41;   // "OHSCHEMA"
}
