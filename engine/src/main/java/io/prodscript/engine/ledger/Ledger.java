package io.prodscript.engine.ledger;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
    /** Advisory locks (two-integer form, so the application's own single-key locks cannot collide): one run of a script at a time. */
    static final int SCRIPT_LOCKS = 0x7073_0001;
    /** Held by each run's session while it lives, so any login can tell a live run from a dead one. */
    static final int RUN_LOCKS = 0x7073_0002;

    /** Why a run whose session ended before it finished did not change anything; the ledger's view says the same. */
    static final String INTERRUPTED_FAILURE = "the process running it stopped before it finished; PostgreSQL rolled it back";

    private static final String SELECT_ENTRY = "SELECT run_id, script_path, checksum, commit_id, target_name, requested_by, mode,"
            + " status, forced, started_at, finished_at, rows_changed, failure, reverts_run_id FROM script_runner.run_history";

    private final Handle handle;

    public Ledger(Handle handle) {
        this.handle = handle;
    }

    /**
     * Takes the session-level lock that admits one run of a script at a time on this database. It only refuses a
     * concurrent second run early: the script's SQL can release it ({@code pg_advisory_unlock_all()}), so exactly
     * once is enforced by the unique index {@code runs_applied_once} when the run commits.
     *
     * @return false at once when another session holds it; the caller refuses rather than queues
     */
    public boolean tryLockScript(String checksum) {
        return tryLock(SCRIPT_LOCKS, checksum);
    }

    public void unlockScript(String checksum) {
        unlock(SCRIPT_LOCKS, checksum);
    }

    /**
     * Marks this session as the one running {@code runId} for as long as it lives: other logins probe the lock with
     * {@code pg_try_advisory_lock}, which every role may call, unlike {@code pg_stat_activity}'s columns.
     */
    public void holdRunLock(String runId) {
        handle.execute("SELECT pg_advisory_lock(?, hashtext(?))", RUN_LOCKS, runId);
    }

    /** Whether the session that ran {@code runId} still exists (it holds the run's lock). */
    public boolean runIsAlive(String runId) {
        boolean free = tryLock(RUN_LOCKS, runId);
        if (free) {
            unlock(RUN_LOCKS, runId);
        }
        return !free;
    }

    /** The session-level advisory lock named by the product's namespace and a key, taken only if free. */
    private boolean tryLock(int namespace, String key) {
        return handle.createQuery("SELECT pg_try_advisory_lock(:ns, hashtext(:key))")
                .bind("ns", namespace).bind("key", key).mapTo(Boolean.class).one();
    }

    private void unlock(int namespace, String key) {
        handle.createQuery("SELECT pg_advisory_unlock(:ns, hashtext(:key))")
                .bind("ns", namespace).bind("key", key).mapTo(Boolean.class).one();
    }

    /**
     * Records as {@code interrupted} every other run still {@code running} whose session no longer holds its run
     * lock: its process died or lost its connection, and PostgreSQL rolled its transaction back. The mark goes into
     * {@code script_runner.interruptions}, never into the run's own row, so it cannot collide with that run's writes.
     *
     * @return the runs just marked
     */
    public List<LedgerEntry> markInterrupted(String byRunId) {
        List<String> running = handle.createQuery("""
                        SELECT run_id FROM script_runner.run_history WHERE status = 'running' AND run_id <> :self
                         ORDER BY started_at""")
                .bind("self", byRunId).mapTo(String.class).list();
        List<LedgerEntry> marked = new ArrayList<>();
        for (String runId : running) {
            if (runIsAlive(runId)) {
                continue;
            }
            int inserted = handle.createUpdate("""
                            INSERT INTO script_runner.interruptions (run_id, noticed_at, noticed_by_run)
                            VALUES (:id, now(), :self) ON CONFLICT (run_id) DO NOTHING""")
                    .bind("id", runId).bind("self", byRunId).execute();
            if (inserted == 1) {
                find(runId).ifPresent(marked::add);
            }
        }
        return marked;
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

    /**
     * The run as the ledger stands now, without writing anything: as {@link #find}, except that a run still recorded
     * as {@code running} whose session no longer holds its run lock is reported {@code interrupted} (its transaction
     * was rolled back when the session ended) even before another run has noticed it; {@code finishedAt} is then null,
     * because nobody has recorded when it stopped.
     */
    public Optional<LedgerEntry> current(String runId) {
        Optional<LedgerEntry> entry = find(runId);
        if (entry.isEmpty() || !"running".equals(entry.get().status()) || runIsAlive(runId)) {
            return entry;
        }
        // Read again after the probe: a run that committed and ended in between must be reported as what it was.
        return find(runId).map(again -> !"running".equals(again.status()) ? again
                : new LedgerEntry(again.runId(), again.scriptPath(), again.checksum(), again.commit(), again.target(),
                        again.requestedBy(), again.mode(), "interrupted", again.forced(), again.startedAt(), null,
                        again.rowsChanged(), INTERRUPTED_FAILURE, again.revertsRunId()));
    }

    /** The most recent runs, newest first. */
    public List<LedgerEntry> history(int limit) {
        return handle.createQuery(SELECT_ENTRY + " ORDER BY started_at DESC LIMIT :limit")
                .bind("limit", limit).map((rs, ctx) -> entry(rs)).list();
    }

    /** Records that a run has started; call it while holding the run's lock ({@link #holdRunLock}). */
    public void recordStart(LedgerEntry run) {
        handle.createUpdate("""
                        INSERT INTO script_runner.runs (run_id, script_path, checksum, commit_id, target_name, requested_by,
                               mode, status, forced, started_at, reverts_run_id)
                        VALUES (:runId, :path, :checksum, :commit, :target, :requestedBy, :mode, 'running', :forced, :startedAt,
                               :reverts)""")
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
     * Records how a run ended, in the run's own row (which only the run itself updates). For a committed run, call
     * it inside the run's transaction so both commit together: the unique index {@code runs_applied_once} then fails
     * that transaction if another unforced run of the same script committed first.
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
