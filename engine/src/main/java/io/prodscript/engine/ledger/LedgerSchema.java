package io.prodscript.engine.ledger;

import io.prodscript.engine.sql.Identifiers;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * The versioned schema of the ledger: schema {@code script_runner} (runs, interruptions, rescue bookkeeping,
 * approvals) and the empty schema that runs save changed rows into ({@code rescue} unless the target names another).
 * It is created and upgraded only by
 * {@link #install}, an explicit step an administrator takes with an owner's login (see
 * {@code docs/how-a-run-works.md}); runs and reads only {@link #requireInstalled check} it, so a runner role needs no
 * right to create or own anything in it.
 */
public final class LedgerSchema {
    /** The schema version this engine reads and writes. */
    public static final int VERSION = 2;

    /** Names the product's advisory locks (the two-integer form), apart from the application's own. */
    static final int INSTALL_LOCKS = 0x7073_0003;

    /**
     * Version 1. Written to upgrade the tables earlier engines created on the fly (version 0) as well as to create
     * them: every step can run on a schema that already has part of it.
     */
    private static final List<String> VERSION_1 = List.of(
            "CREATE SCHEMA IF NOT EXISTS script_runner",
            """
            CREATE TABLE IF NOT EXISTS script_runner.schema_version (
                version integer NOT NULL,
                installed_at timestamptz NOT NULL DEFAULT now(),
                installed_by text NOT NULL DEFAULT current_user
            )""",
            """
            CREATE TABLE IF NOT EXISTS script_runner.runs (
                run_id text PRIMARY KEY,
                script_path text NOT NULL,
                checksum text NOT NULL,
                commit_id text,
                target_name text NOT NULL,
                requested_by text NOT NULL,
                mode text NOT NULL,
                status text NOT NULL,
                forced boolean NOT NULL DEFAULT false,
                started_at timestamptz NOT NULL,
                finished_at timestamptz,
                rows_changed bigint NOT NULL DEFAULT 0,
                statements jsonb,
                failure text,
                reverts_run_id text
            )""",
            // Liveness is now an advisory lock any role can probe, not pg_stat_activity (hidden from other roles).
            "ALTER TABLE script_runner.runs DROP COLUMN IF EXISTS backend_pid, DROP COLUMN IF EXISTS backend_start",
            "CREATE INDEX IF NOT EXISTS runs_checksum_status ON script_runner.runs (checksum, status)",
            // Exactly once, decided by the database inside the committing transaction: a second committed,
            // unforced run of the same script cannot commit, whatever happened to the advisory locks.
            """
            CREATE UNIQUE INDEX IF NOT EXISTS runs_applied_once ON script_runner.runs (checksum)
                WHERE mode = 'run' AND status = 'committed' AND NOT forced""",
            // Written by other runs that found a run's session gone; never by the run itself, so a run's own row is
            // only ever updated by that run and another login's bookkeeping cannot make its final write fail.
            """
            CREATE TABLE IF NOT EXISTS script_runner.interruptions (
                run_id text PRIMARY KEY REFERENCES script_runner.runs (run_id),
                noticed_at timestamptz NOT NULL,
                noticed_by_run text NOT NULL
            )""",
            """
            CREATE OR REPLACE VIEW script_runner.run_history AS
            SELECT r.run_id, r.script_path, r.checksum, r.commit_id, r.target_name, r.requested_by, r.mode,
                   CASE WHEN r.status = 'running' AND i.run_id IS NOT NULL THEN 'interrupted' ELSE r.status END AS status,
                   r.forced, r.started_at, coalesce(r.finished_at, i.noticed_at) AS finished_at, r.rows_changed,
                   r.statements,
                   CASE WHEN r.status = 'running' AND i.run_id IS NOT NULL
                        THEN '%s'
                        ELSE r.failure END AS failure,
                   r.reverts_run_id
              FROM script_runner.runs r LEFT JOIN script_runner.interruptions i ON i.run_id = r.run_id""".formatted(Ledger.INTERRUPTED_FAILURE),
            """
            CREATE TABLE IF NOT EXISTS script_runner.rescue_manifests (
                run_id text PRIMARY KEY REFERENCES script_runner.runs (run_id),
                manifest jsonb NOT NULL,
                revert_sql text
            )""",
            """
            CREATE TABLE IF NOT EXISTS script_runner.rescue_tables (
                run_id text NOT NULL REFERENCES script_runner.runs (run_id),
                statement_number integer NOT NULL,
                table_name text NOT NULL,
                source_table text NOT NULL,
                expires_at timestamptz NOT NULL,
                dropped_at timestamptz,
                dropped_by text,
                PRIMARY KEY (run_id, table_name)
            )""",
            // Earlier engines recorded a rescue table by its bare name in schema rescue; this version records the
            // schema with it (the rescue schema is the target's choice), so cleanup and reversal find old tables too.
            """
            UPDATE script_runner.rescue_tables SET table_name = 'rescue.' || table_name
             WHERE strpos(table_name, '.') = 0""",
            // A cascading statement saves into several rescue tables: one row per rescue table, not per statement.
            """
            ALTER TABLE script_runner.rescue_tables DROP CONSTRAINT IF EXISTS rescue_tables_pkey,
                ADD CONSTRAINT rescue_tables_pkey PRIMARY KEY (run_id, table_name)""",
            """
            CREATE TABLE IF NOT EXISTS script_runner.approvals (
                id bigserial PRIMARY KEY,
                run_id text NOT NULL,
                script_checksum text NOT NULL,
                target_name text NOT NULL,
                mode text NOT NULL,
                rehearsal_digest text,
                subject_digest text NOT NULL,
                user_id text NOT NULL,
                decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
                comment text,
                decided_at timestamptz NOT NULL,
                counted boolean NOT NULL,
                note text
            )""",
            "CREATE INDEX IF NOT EXISTS approvals_run_id ON script_runner.approvals (run_id, id)");

    /**
     * Version 2: when each rescue table's coming expiry was first announced. Cleanup drops a table only once that
     * notice is old enough, so no table disappears unannounced (say, after the cleanup was not running for a while).
     * Tables recorded before the upgrade have no notice yet: the next announcement gives it.
     */
    private static final List<String> VERSION_2 = List.of(
            "ALTER TABLE script_runner.rescue_tables ADD COLUMN IF NOT EXISTS notice_given_at timestamptz");

    private LedgerSchema() {
    }

    /**
     * Creates the schema, or upgrades it to {@link #VERSION}, in one transaction. Safe to repeat and to run
     * concurrently. Needs a login that may create schemas in the database and owns the ledger's tables when they exist.
     *
     * @throws SQLException when the login lacks those rights, when the database holds a newer version than this
     *                      engine knows, or when earlier engines let one script commit twice (the message lists the
     *                      runs to resolve first); nothing is changed then
     */
    public static SchemaInstallation install(Handle handle, String rescueSchema) throws SQLException {
        try {
            return installInTransaction(handle, rescueSchema);
        } catch (JdbiException e) {
            if (e.getCause() instanceof SQLException cause) {
                throw new SQLException("cannot install the ledger: " + cause.getMessage().strip()
                        + "; install with a login that may create schemas in the database and owns the ledger's tables",
                        cause.getSQLState(), cause);
            }
            throw e;
        }
    }

    private static SchemaInstallation installInTransaction(Handle handle, String rescueSchema) throws SQLException {
        return handle.inTransaction(h -> {
            h.execute("SELECT pg_advisory_xact_lock(?, 0)", INSTALL_LOCKS);
            int before = installedVersion(h);
            if (before > VERSION) {
                throw newerThanEngine(before);
            }
            if (before < 1) {
                refuseDuplicateApplications(h);
            }
            // Repeating every version's steps restores what is missing (say, a dropped rescue schema).
            for (List<String> version : List.of(VERSION_1, VERSION_2)) {
                for (String step : version) {
                    h.execute(step);
                }
            }
            // Rescue tables hold copies of production rows: their schema grants nothing to PUBLIC.
            h.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(rescueSchema));
            h.execute("REVOKE ALL ON SCHEMA " + Identifiers.quote(rescueSchema) + " FROM PUBLIC");
            if (before < VERSION) {
                h.execute("INSERT INTO script_runner.schema_version (version) VALUES (?)", VERSION);
            }
            return new SchemaInstallation(before, VERSION);
        });
    }

    /**
     * The installed version: 0 when the schema was created on the fly by an engine before installation existed, -1
     * when there is no ledger at all.
     *
     * @throws LedgerNotInstalled when there is a ledger this login may not use
     */
    public static int installedVersion(Handle handle) throws LedgerNotInstalled {
        // Two queries: a query naming a table that does not exist fails when it is parsed, whatever its CASE says.
        int tables = handle.createQuery("""
                        SELECT CASE WHEN to_regnamespace('script_runner') IS NULL THEN 0
                                    WHEN NOT has_schema_privilege('script_runner', 'USAGE') THEN -1
                                    WHEN to_regclass('script_runner.schema_version') IS NOT NULL THEN 2
                                    WHEN to_regclass('script_runner.runs') IS NOT NULL THEN 1 ELSE 0 END""")
                .mapTo(Integer.class).one();
        if (tables < 0) {
            throw new LedgerNotInstalled("The ledger is installed, but this login may not use schema script_runner:"
                    + " grant it what docs/how-a-run-works.md lists for a runner role. Nothing was run.");
        }
        return switch (tables) {
            case 2 -> handle.createQuery("SELECT coalesce(max(version), 0) FROM script_runner.schema_version")
                    .mapTo(Integer.class).one();
            case 1 -> 0;
            default -> -1;
        };
    }

    /**
     * Checks that the ledger is installed at this engine's version, changing nothing.
     *
     * @param rescueSchema the schema the target's runs save rows into, which must exist too; null when the caller
     *                     saves none (reading approvals, say)
     * @throws LedgerNotInstalled saying what to run when it is missing, older or newer
     */
    public static void requireInstalled(Handle handle, String targetName, String rescueSchema) throws LedgerNotInstalled {
        int installed = installedVersion(handle);
        boolean rescueSchemaExists = rescueSchema == null || handle.createQuery("SELECT to_regnamespace(:schema) IS NOT NULL")
                .bind("schema", Identifiers.quote(rescueSchema)).mapTo(Boolean.class).one();
        if (installed == VERSION && rescueSchemaExists) {
            return;
        }
        if (installed > VERSION) {
            throw newerThanEngine(installed);
        }
        String what = installed < 0 ? "is not installed on " + targetName + " (schema script_runner and the rescue schema)"
                : installed < VERSION ? "on " + targetName + " is version " + installed + "; this engine needs version " + VERSION
                : "on " + targetName + " lacks its rescue schema " + Identifiers.quote(rescueSchema);
        throw new LedgerNotInstalled("The ledger " + what + ". A database owner installs or upgrades it once with"
                + " 'prodscript install --url <jdbc-url> --user <owner>' (engine: ScriptEngine.install), then grants"
                + " the runner role what docs/how-a-run-works.md lists. Nothing was run.");
    }

    private static LedgerNotInstalled newerThanEngine(int installed) {
        return new LedgerNotInstalled("The ledger is schema version " + installed + ", newer than this engine's " + VERSION
                + "; upgrade Production Script Runner before using this database.");
    }

    /** The unique index cannot be built over a ledger in which one script already committed twice unforced. */
    private static void refuseDuplicateApplications(Handle h) throws SQLException {
        if (h.createQuery("SELECT to_regclass('script_runner.runs') IS NULL").mapTo(Boolean.class).one()) {
            return;
        }
        List<String> duplicates = h.createQuery("""
                        SELECT checksum || ': ' || string_agg(run_id, ', ' ORDER BY finished_at) FROM script_runner.runs
                         WHERE mode = 'run' AND status = 'committed' AND NOT forced
                         GROUP BY checksum HAVING count(*) > 1""")
                .mapTo(String.class).list();
        if (!duplicates.isEmpty()) {
            throw new SQLException("The ledger records scripts committed more than once without force (" + String.join("; ", duplicates)
                    + "). Check those runs, then mark every repeat as forced (UPDATE script_runner.runs SET forced = true"
                    + " WHERE run_id = '…') and install again. Nothing was changed.", "23505");
        }
    }

    /** A schema name as an SQL identifier, however it is spelt. */
}
