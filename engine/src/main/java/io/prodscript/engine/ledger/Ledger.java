package io.prodscript.engine.ledger;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The record, kept in the target database itself, of every run and rehearsal: schema {@code script_runner}, table
 * {@code runs}. Keeping it beside the data means it is backed up, restored and audited with the data, and that it
 * can refuse to apply the same script twice whichever Jenkins asks.
 *
 * <p>All methods run on the given handle; the caller decides which transaction they belong to.
 */
public final class Ledger {
    /**
     * Serialises creation of the {@code script_runner} schema and its tables between engines starting at the same
     * moment (any fixed key works). Everything that creates tables in that schema takes this lock.
     */
    public static final long SCHEMA_LOCK = 0x5052_4F44_5343_5231L;

    private static final String SELECT_ENTRY = "SELECT run_id, script_path, checksum, commit_id, target_name, requested_by, mode,"
            + " status, forced, started_at, finished_at, rows_changed, failure, reverts_run_id FROM script_runner.runs";

    private final Handle handle;

    public Ledger(Handle handle) {
        this.handle = handle;
    }

    /** Creates the ledger's schema and table if they are missing. Safe to call concurrently and repeatedly. */
    public void ensureSchema() {
        handle.useTransaction(h -> {
            h.execute("SELECT pg_advisory_xact_lock(?)", SCHEMA_LOCK);
            h.execute("CREATE SCHEMA IF NOT EXISTS script_runner");
            h.execute("""
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
                        reverts_run_id text,
                        backend_pid integer,
                        backend_start timestamptz
                    )""");
            h.execute("CREATE INDEX IF NOT EXISTS runs_checksum_status ON script_runner.runs (checksum, status)");
            // What rescue saved for each committed run (io.prodscript.engine.rescue, docs/rescue.md): the manifest,
            // the script's own @revert section when it had one, and every rescue table until cleanup drops it.
            h.execute("""
                    CREATE TABLE IF NOT EXISTS script_runner.rescue_manifests (
                        run_id text PRIMARY KEY REFERENCES script_runner.runs (run_id),
                        manifest jsonb NOT NULL,
                        revert_sql text
                    )""");
            h.execute("""
                    CREATE TABLE IF NOT EXISTS script_runner.rescue_tables (
                        run_id text NOT NULL REFERENCES script_runner.runs (run_id),
                        statement_number integer NOT NULL,
                        table_name text NOT NULL,
                        source_table text NOT NULL,
                        expires_at timestamptz NOT NULL,
                        dropped_at timestamptz,
                        dropped_by text,
                        PRIMARY KEY (run_id, table_name)
                    )""");
        });
    }

    /**
     * Takes the session-level lock that admits one run of a script at a time on this database.
     *
     * @return false at once when another session holds it; the caller refuses rather than queues
     */
    public boolean tryLock(String checksum) {
        return handle.createQuery("SELECT pg_try_advisory_lock(hashtextextended(:key, 0))")
                .bind("key", lockKey(checksum)).mapTo(Boolean.class).one();
    }

    public void unlock(String checksum) {
        handle.createQuery("SELECT pg_advisory_unlock(hashtextextended(:key, 0))")
                .bind("key", lockKey(checksum)).mapTo(Boolean.class).one();
    }

    private static String lockKey(String checksum) {
        return "prodscript:" + checksum;
    }

    /**
     * Marks as {@code interrupted} every run still {@code running} whose database session no longer exists: its
     * process died or lost its connection, and PostgreSQL rolled its transaction back.
     *
     * @return the runs just marked
     */
    public List<LedgerEntry> markInterrupted() {
        List<String> ids = handle.createQuery("""
                        UPDATE script_runner.runs r SET status = 'interrupted', finished_at = now(),
                               failure = 'the process running it stopped before it finished; PostgreSQL rolled it back'
                         WHERE r.status = 'running'
                           AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                                            WHERE a.pid = r.backend_pid AND a.backend_start = r.backend_start)
                        RETURNING r.run_id""")
                .mapTo(String.class).list();
        return ids.stream().map(this::find).flatMap(Optional::stream).toList();
    }

    /** The latest committed run of this exact script, if any. */
    public Optional<LedgerEntry> lastApplied(String checksum) {
        return handle.createQuery(SELECT_ENTRY + " WHERE checksum = :checksum AND mode = 'run' AND status = 'committed'"
                        + " ORDER BY finished_at DESC LIMIT 1")
                .bind("checksum", checksum).map((rs, ctx) -> entry(rs)).findOne();
    }

    public Optional<LedgerEntry> find(String runId) {
        return handle.createQuery(SELECT_ENTRY + " WHERE run_id = :id").bind("id", runId).map((rs, ctx) -> entry(rs)).findOne();
    }

    /** The most recent runs, newest first. */
    public List<LedgerEntry> history(int limit) {
        return handle.createQuery(SELECT_ENTRY + " ORDER BY started_at DESC LIMIT :limit")
                .bind("limit", limit).map((rs, ctx) -> entry(rs)).list();
    }

    /** Records that a run has started, with this session's identity so a dead run can be recognised later. */
    public void recordStart(LedgerEntry run) {
        handle.createUpdate("""
                        INSERT INTO script_runner.runs (run_id, script_path, checksum, commit_id, target_name, requested_by,
                               mode, status, forced, started_at, reverts_run_id, backend_pid, backend_start)
                        SELECT :runId, :path, :checksum, :commit, :target, :requestedBy, :mode, 'running', :forced, :startedAt,
                               :reverts, pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()""")
                .bind("runId", run.runId())
                .bind("path", run.scriptPath())
                .bind("checksum", run.checksum())
                .bind("commit", run.commit())
                .bind("target", run.target())
                .bind("requestedBy", run.requestedBy())
                .bind("mode", run.mode())
                .bind("forced", run.forced())
                .bind("startedAt", OffsetDateTime.ofInstant(run.startedAt(), ZoneOffset.UTC))
                .bind("reverts", run.revertsRunId())
                .execute();
    }

    /**
     * Records how a run ended. For a committed run, call it inside the run's transaction so both commit together.
     *
     * @param statementsJson what each statement did, as a JSON array
     */
    public void recordFinish(LedgerEntry run, String statementsJson) {
        handle.createUpdate("""
                        UPDATE script_runner.runs SET status = :status, finished_at = :finishedAt, rows_changed = :rows,
                               statements = CAST(:statements AS jsonb), failure = :failure
                         WHERE run_id = :runId""")
                .bind("status", run.status())
                .bind("finishedAt", OffsetDateTime.ofInstant(run.finishedAt(), ZoneOffset.UTC))
                .bind("rows", run.rowsChanged())
                .bind("statements", statementsJson)
                .bind("failure", run.failure())
                .bind("runId", run.runId())
                .execute();
    }

    /**
     * Marks a committed run as {@code reverted}: a reversal undid it. Call it inside the reversal's transaction.
     *
     * @return false when the run is not (or no longer) {@code committed}, e.g. another reversal got there first
     */
    public boolean markReverted(String runId) {
        return handle.createUpdate("UPDATE script_runner.runs SET status = 'reverted' WHERE run_id = :id AND status = 'committed'")
                .bind("id", runId).execute() == 1;
    }

    /** Records a run that was refused before it started. */
    public void recordRefusal(LedgerEntry run) {
        recordStart(run);
        recordFinish(run, "[]");
    }

    private static LedgerEntry entry(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new LedgerEntry(rs.getString("run_id"), rs.getString("script_path"), rs.getString("checksum"),
                rs.getString("commit_id"), rs.getString("target_name"), rs.getString("requested_by"), rs.getString("mode"),
                rs.getString("status"), rs.getBoolean("forced"), instant(rs, "started_at"), instant(rs, "finished_at"),
                rs.getLong("rows_changed"), rs.getString("failure"), rs.getString("reverts_run_id"));
    }

    private static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
