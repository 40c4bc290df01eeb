package io.prodscript.engine;

import io.prodscript.engine.approval.ApprovalLedger;
import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.DatabaseConnector;
import io.prodscript.engine.execution.DatabaseTarget;
import io.prodscript.engine.execution.Execution;
import io.prodscript.engine.execution.RunListener;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.StatementRunner;
import io.prodscript.engine.ledger.Ledger;
import io.prodscript.engine.ledger.LedgerEntry;
import io.prodscript.engine.ledger.LedgerNotInstalled;
import io.prodscript.engine.ledger.LedgerSchema;
import io.prodscript.engine.ledger.SchemaInstallation;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.Planner;
import io.prodscript.engine.report.Json;
import io.prodscript.engine.rescue.CaptureMethod;
import io.prodscript.engine.rescue.RescueCleanup;
import io.prodscript.engine.rescue.RescueRegistry;
import io.prodscript.engine.rescue.RescueRules;
import io.prodscript.engine.rescue.RescueRunner;
import io.prodscript.engine.rescue.RescueTable;
import io.prodscript.engine.rescue.ReversalScripts;
import io.prodscript.engine.script.Script;
import io.prodscript.engine.script.ScriptReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The engine's front door: read a script from a checkout, plan it, and prepare a rehearsal or run against a
 * target. Instances are immutable and thread-safe; {@code with…} methods return changed copies.
 *
 * <pre>{@code
 * ScriptEngine engine = ScriptEngine.create();
 * Plan plan = engine.plan(engine.read(checkout, "scripts/2024-05-fix-emails.sql"));
 * RunResult result = engine.prepare(RunRequest.of(plan, target, credentials, Mode.REHEARSE, "alice"), listener).run();
 * }</pre>
 *
 * <p>Before the first run on a target, an owner installs its ledger once with {@link #install}; runs and reads only
 * check it and refuse, saying so, when it is missing. Runs log in as an ordinary role (see
 * {@code docs/how-a-run-works.md} for its grants), on PostgreSQL 13 to 18.
 *
 * <p>Every change a run makes can be undone (see {@code docs/rescue.md}): planning refuses statements whose changes
 * cannot be saved unless the script declares another way back, runs save what each statement changes into rescue
 * tables, and {@link #reversal} turns a committed run's rescue tables back into a script.
 */
public final class ScriptEngine {
    private final ScriptReader reader;
    /** How rescue saves UPDATEs, or null when the engine runs statements without saving what they change. */
    private final CaptureMethod rescue;
    private final Clock clock;

    private ScriptEngine(ScriptReader reader, CaptureMethod rescue, Clock clock) {
        this.reader = reader;
        this.rescue = rescue;
        this.clock = clock;
    }

    /** An engine with default limits and rescue: every run saves what it changes so it can be reversed. */
    public static ScriptEngine create() {
        return new ScriptEngine(new ScriptReader(), CaptureMethod.AUTOMATIC, Clock.systemUTC());
    }

    /** The same engine refusing scripts larger than {@code maxBytes}. */
    public ScriptEngine withMaxScriptBytes(long maxBytes) {
        return new ScriptEngine(new ScriptReader(maxBytes), rescue, clock);
    }

    /**
     * The same engine without rescue: runs save nothing and cannot be reversed, and planning accepts statements
     * whose changes could not be saved. Only for databases whose data nobody will want back.
     */
    public ScriptEngine withoutRescue() {
        return new ScriptEngine(reader, null, clock);
    }

    /** The same engine with rescue, saving UPDATEs the given way (see {@link CaptureMethod}). */
    public ScriptEngine withRescue(CaptureMethod method) {
        return new ScriptEngine(reader, method, clock);
    }

    /**
     * Reads a script from a checkout.
     *
     * @throws Refusal when the path or file is not acceptable; no database is touched
     */
    public Script read(Path checkoutRoot, String relativePath) {
        return reader.read(checkoutRoot, relativePath);
    }

    /**
     * Plans a script.
     *
     * @throws Refusal naming the line when the script cannot run safely (with rescue: also when a statement's
     *                 changes cannot be saved and the script declares no other way back); no database is touched
     */
    public Plan plan(Script script) {
        Plan plan = Planner.plan(script);
        if (rescue != null) {
            RescueRules.requireWayBack(plan);
        }
        return plan;
    }

    /**
     * Prepares a run or rehearsal; nothing happens until {@link Execution#run()}. A reversal
     * ({@link RunRequest#withRevertsRunId}) is always checked for conflicts and recorded, with rescue or without.
     */
    public Execution prepare(RunRequest request, RunListener listener) {
        StatementRunner runner = rescue == null && request.revertsRunId() == null ? StatementRunner.PLAIN
                : RescueRunner.create(request, rescue == null ? CaptureMethod.AUTOMATIC : rescue, clock);
        return new Execution(request, listener, runner, clock);
    }

    /**
     * The reversal of a committed run, planned: the script {@code reversal-of-<runId>.sql}, generated from the
     * run's rescue tables (or the script's own {@code @revert} section). Rehearse or run it with
     * {@code RunRequest.of(plan, …).withRevertsRunId(runId)}; forcing it overwrites rows changed after the run.
     *
     * @throws Refusal when the run cannot be reversed (unknown, not committed, already reverted, without rescue, or
     *                 its rescue tables are gone), saying why; nothing is changed
     */
    public Plan reversal(DatabaseTarget target, Credentials credentials, String runId) throws SQLException {
        return reversal(target, credentials, runId, false);
    }

    /**
     * The reversal of a committed run, planned, optionally with triggers suppressed: the script then declares
     * {@code @triggers-suppressed} and runs with {@code session_replication_role = replica}, so ordinary triggers
     * (and foreign-key checks) do not fire while rows are put back, and a row a BEFORE trigger stamped comes back
     * exactly as it was. Only a login allowed to set {@code session_replication_role} (a superuser, or one granted
     * {@code SET ON PARAMETER session_replication_role}) can run it; for others the run is refused, changing nothing.
     *
     * @throws Refusal as {@link #reversal(DatabaseTarget, Credentials, String)}
     */
    public Plan reversal(DatabaseTarget target, Credentials credentials, String runId, boolean suppressTriggers) throws SQLException {
        return Planner.plan(reversalScript(target, credentials, runId, suppressTriggers));
    }

    /** The reversal script of a committed run, as {@link #reversal} plans it: its text is the reversal SQL. */
    public Script reversalScript(DatabaseTarget target, Credentials credentials, String runId) throws SQLException {
        return reversalScript(target, credentials, runId, false);
    }

    /** The reversal script of a committed run, with triggers suppressed or not ({@link #reversal(DatabaseTarget, Credentials, String, boolean)}). */
    public Script reversalScript(DatabaseTarget target, Credentials credentials, String runId, boolean suppressTriggers) throws SQLException {
        return onLedger(target, credentials, "prodscript reversal", handle -> ReversalScripts.generate(handle, runId, suppressTriggers));
    }

    /**
     * The rescue manifest of a committed run as JSON (the format is in {@code docs/rescue.md}), for archiving: it
     * names the rescue tables and holds no row data beyond key bounds. Empty when the run saved none.
     */
    public Optional<String> manifest(DatabaseTarget target, Credentials credentials, String runId) throws SQLException {
        return onLedger(target, credentials, "prodscript ledger", handle -> new RescueRegistry(handle).manifest(runId).map(Json::pretty));
    }

    /**
     * Rescue tables not yet dropped that expire within {@code within} from now (expired ones included), soonest first,
     * each with when its expiry was announced (null if not yet). Reads only; see {@link #announceExpiringRescueTables}.
     */
    public List<RescueTable> rescueTablesExpiring(DatabaseTarget target, Credentials credentials, Duration within) throws SQLException {
        return onLedger(target, credentials, "prodscript rescue cleanup",
                handle -> new RescueRegistry(handle).expiringBy(clock.instant().plus(within)));
    }

    /**
     * Gives notice of the rescue tables that expire within {@code within} from now (expired ones included): records in
     * the ledger ({@code script_runner.rescue_tables.notice_given_at}) that their expiry is announced now, unless it
     * was announced before, in which case the first notice stands. Whoever calls it must show the returned tables to
     * the people concerned; {@link #dropExpiredRescueTables} drops a table only once its notice is old enough.
     *
     * @return the tables expiring within {@code within}, soonest first, each with its notice time (never null)
     * @throws SQLException        when the target cannot be reached or the login lacks the documented runner grants
     * @throws LedgerNotInstalled  when the ledger is missing or at another version; nothing is recorded then
     */
    public List<RescueTable> announceExpiringRescueTables(DatabaseTarget target, Credentials credentials, Duration within)
            throws SQLException {
        return onLedger(target, credentials, "prodscript rescue cleanup", handle -> {
            Instant now = clock.instant();
            return new RescueRegistry(handle).announceExpiringBy(now.plus(within), now);
        });
    }

    /**
     * Drops the rescue tables that have expired and whose expiry was announced ({@link #announceExpiringRescueTables})
     * at least {@code minimumNotice} ago, in one transaction, and records each drop in the ledger under
     * {@code requestedBy}; the runs they belonged to can no longer be reversed. A table never announced, or announced
     * more recently, stays however long ago it expired.
     *
     * @param minimumNotice how long before the drop its notice must have been given, e.g. a day; not negative
     * @return the tables dropped, soonest expiry first
     * @throws SQLException when the target cannot be reached, a table is locked for more than 5 seconds, or the login
     *                      may not drop a table (rescue tables belong to the login whose run created them); nothing
     *                      is dropped then
     */
    public List<RescueTable> dropExpiredRescueTables(DatabaseTarget target, Credentials credentials, String requestedBy,
                                                     Duration minimumNotice) throws SQLException {
        if (minimumNotice.isNegative()) {
            throw new IllegalArgumentException("the minimum notice cannot be negative: " + minimumNotice);
        }
        return onLedger(target, credentials, "prodscript rescue cleanup",
                handle -> RescueCleanup.dropExpired(handle, clock.instant(), minimumNotice, requestedBy));
    }

    /** The target's ledger, newest first. */
    public List<LedgerEntry> history(DatabaseTarget target, Credentials credentials, int limit) throws SQLException {
        return onLedger(target, credentials, "prodscript ledger", handle -> new Ledger(handle).history(limit));
    }

    /**
     * One run or rehearsal as the target's ledger knows it now ({@code script_runner.run_history}), by its run id.
     * Its {@link LedgerEntry#status() status} is the ledger's word: {@code running} while the session running it is
     * alive, {@code interrupted} once that session has ended without finishing (PostgreSQL rolled its transaction
     * back; reported even before another run noticed it, with {@code finishedAt} null then), otherwise how it ended.
     * Reads only.
     *
     * @return empty when the ledger has no run with that id: it never reached this target
     * @throws SQLException       when the target cannot be reached or the login lacks the documented runner grants
     * @throws LedgerNotInstalled when the ledger is missing or at another version
     */
    public Optional<LedgerEntry> ledgerEntry(DatabaseTarget target, Credentials credentials, String runId) throws SQLException {
        return onLedger(target, credentials, "prodscript ledger", handle -> new Ledger(handle).current(runId));
    }

    /**
     * The target's approval ledger ({@code script_runner.approvals}), where the decisions on runs are written for
     * auditors. It opens a connection per call, and refuses (saying to install) when the ledger is not installed.
     */
    public ApprovalLedger approvalLedger(DatabaseTarget target, Credentials credentials) {
        return new ApprovalLedger(Jdbi.create(() -> DatabaseConnector.connect(target, credentials, "prodscript approvals")));
    }

    /**
     * Logs in to the target and says what it reached, e.g. {@code PostgreSQL 18.3 as script_runner on database app};
     * for checking a target's configuration. Creates and changes nothing.
     *
     * @throws SQLException when the target cannot be reached or refuses the login
     */
    public String checkConnection(DatabaseTarget target, Credentials credentials) throws SQLException {
        return onTarget(target, credentials, "prodscript connection check", handle -> handle.createQuery(
                "SELECT 'PostgreSQL ' || current_setting('server_version') || ' as ' || current_user"
                        + " || ' on database ' || current_database()").mapTo(String.class).one());
    }

    /**
     * Creates the target's ledger (schema {@code script_runner} and the target's rescue schema) or upgrades it to this engine's
     * {@link LedgerSchema#VERSION}, in one transaction; safe to repeat. This is the only call that changes the
     * ledger's structure: runs and reads check it and refuse, saying to install, when it is missing or older. Use a
     * login that may create schemas in the database (an owner), not the runner's; then grant the runner role what
     * {@code docs/how-a-run-works.md} lists.
     *
     * @throws SQLException when the login lacks the rights, the ledger is newer than this engine, or the ledger
     *                      already shows a script committed twice (the message lists the runs); nothing is changed
     */
    public SchemaInstallation install(DatabaseTarget target, Credentials credentials) throws SQLException {
        return onTarget(target, credentials, "prodscript install", handle -> LedgerSchema.install(handle, target.rescueSchema()));
    }

    /**
     * The ledger schema version installed on the target: -1 when there is none, 0 when an engine from before
     * installation created it; this engine needs {@link LedgerSchema#VERSION}. Changes nothing.
     */
    public int installedSchemaVersion(DatabaseTarget target, Credentials credentials) throws SQLException {
        return onTarget(target, credentials, "prodscript ledger", LedgerSchema::installedVersion);
    }

    /**
     * Runs work on a fresh connection to the target, after checking the ledger is installed.
     *
     * @throws LedgerNotInstalled saying what to run when it is not
     */
    private static <T> T onLedger(DatabaseTarget target, Credentials credentials, String applicationName,
                                  HandleCallback<T, SQLException> work) throws SQLException {
        return onTarget(target, credentials, applicationName, handle -> {
            LedgerSchema.requireInstalled(handle, target.name(), target.rescueSchema());
            return work.withHandle(handle);
        });
    }

    /** Runs work on a fresh connection to the target, closed afterwards. */
    private static <T> T onTarget(DatabaseTarget target, Credentials credentials, String applicationName,
                                  HandleCallback<T, SQLException> work) throws SQLException {
        try (Connection connection = DatabaseConnector.connect(target, credentials, applicationName);
             Handle handle = Jdbi.open(connection)) {
            return work.withHandle(handle);
        }
    }
}
