package io.prodscript.engine.execution;

import io.prodscript.engine.containment.Breach;
import io.prodscript.engine.containment.Containment;
import io.prodscript.engine.containment.FiringTrigger;
import io.prodscript.engine.containment.ResolvedTables;
import io.prodscript.engine.ledger.Ledger;
import io.prodscript.engine.ledger.LedgerEntry;
import io.prodscript.engine.ledger.LedgerNotInstalled;
import io.prodscript.engine.ledger.LedgerSchema;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.script.Directives;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * One run or rehearsal of a plan against a target: one connection, one REPEATABLE READ transaction, the statements
 * in order, then the script's expectations and assertions. Any failure rolls everything back; a rehearsal always
 * does. {@link #cancel()} may be called from another thread at any time.
 *
 * <p>An execution runs once. Create it with {@link io.prodscript.engine.ScriptEngine#prepare}.
 */
public final class Execution {
    private static final String QUERY_CANCELED = "57014";
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final String UNIQUE_VIOLATION = "23505";
    /** A round of statements sent together that answers within this lets the next one be twice as large. */
    private static final Duration QUICK_ROUND = Duration.ofMillis(100);
    /** The most statements sent in one round. */
    private static final int MAX_ROUND = 512;

    private final RunRequest request;
    private final RunListener listener;
    private final StatementRunner runner;
    private final Clock clock;
    private final List<StatementResult> statements = new ArrayList<>();
    private final List<CheckResult> checks = new ArrayList<>();
    private final List<String> notices = new ArrayList<>();
    private List<FiringTrigger> triggers = List.of();
    private volatile RunSession session;
    private volatile boolean cancelRequested;
    private boolean started;
    private Instant startedAt;

    public Execution(RunRequest request, RunListener listener, StatementRunner runner, Clock clock) {
        this.request = request;
        this.listener = listener;
        this.runner = runner;
        this.clock = clock;
    }

    public String runId() {
        return request.runId();
    }

    /**
     * Cancels the run: the running statement is cancelled on the server and the transaction rolled back. Safe to
     * call from any thread, before or during {@link #run()}.
     */
    public void cancel() {
        cancelRequested = true;
        RunSession current = session;
        if (current != null) {
            current.cancel();
        }
    }

    /**
     * Runs the plan. Never throws for database problems: they are in the result, and the ledger has them too. A
     * listener that throws loses that event; it never changes the outcome.
     */
    public synchronized RunResult run() {
        if (started) {
            throw new IllegalStateException("run " + request.runId() + " has already been started");
        }
        started = true;
        startedAt = clock.instant();
        Plan plan = request.plan();
        String applicationName = "prodscript " + request.runId();
        // Once decided, the outcome stands: trouble closing the connection afterwards must not turn a committed run
        // into a reported failure.
        RunResult outcome = null;
        try (Connection connection = DatabaseConnector.connect(request.target(), request.credentials(), applicationName);
             Handle handle = Jdbi.open(connection)) {
            LedgerSchema.requireInstalled(handle, request.target().name(), request.target().rescueSchema());
            handle.execute("SELECT set_config('idle_in_transaction_session_timeout', ?, false)",
                    request.target().limits().idleInTransactionTimeout().toMillis() + "ms");
            Ledger ledger = new Ledger(handle);
            ledger.holdRunLock(request.runId());
            // Only runs commit, so only runs exclude each other; a rehearsal never keeps an approved run waiting.
            boolean exclusive = request.mode() == Mode.RUN;
            if (exclusive && !ledger.tryLockScript(plan.checksum())) {
                outcome = refuse(ledger, "another run of this script is in progress on " + request.target().name());
                return outcome;
            }
            try {
                outcome = startUnderLock(connection, handle, ledger);
                return outcome;
            } finally {
                if (exclusive) {
                    unlock(ledger, plan.checksum());
                }
            }
        } catch (LedgerNotInstalled e) {
            RunResult result = finish(RunStatus.REFUSED, new Failure(null, null, e.getMessage()));
            emitFinished(result);
            return result;
        } catch (SQLException | RuntimeException e) {
            if (outcome != null) {
                return outcome;
            }
            // Connection-level trouble before the transaction: nothing was committed by this run.
            String reason = LOCK_NOT_AVAILABLE.equals(SqlErrors.sqlState(e))
                    ? "lock timeout reached on the run ledger (script_runner): another session holds a lock on it;"
                            + " nothing was changed (" + SqlErrors.describe(e) + ")"
                    : "database error: " + SqlErrors.describe(e);
            RunResult result = finish(RunStatus.FAILED, new Failure(null, null, reason));
            emitFinished(result);
            return result;
        }
    }

    /** With the run (and for a run, the script) locked: report interrupted runs, refuse a second application, then run. */
    private RunResult startUnderLock(Connection connection, Handle handle, Ledger ledger) throws SQLException {
        Plan plan = request.plan();
        for (LedgerEntry interrupted : ledger.markInterrupted(request.runId())) {
            notice("Earlier run " + interrupted.runId() + " of " + interrupted.scriptPath() + " (started "
                    + interrupted.startedAt() + " by " + interrupted.requestedBy()
                    + ") was interrupted: its process stopped before it finished, and PostgreSQL rolled it back");
        }
        Optional<LedgerEntry> applied = ledger.lastApplied(plan.checksum());
        if (applied.isPresent() && !request.force()) {
            LedgerEntry earlier = applied.get();
            return refuse(ledger, "this exact script (sha256 " + plan.checksum() + ") was already applied to "
                    + request.target().name() + " by run " + earlier.runId() + " at " + earlier.finishedAt()
                    + "; a script is applied once unless the run is forced");
        }
        applied.ifPresent(earlier -> notice("Forced: this script was already applied by run " + earlier.runId()));
        // "forced" means forced past an earlier application: a forced first run is the application, and the unique
        // index must count it, or an overlapping unforced run of the same script would commit as well.
        ledger.recordStart(LedgerRecords.started(applied.isPresent() ? request : request.withForce(false), startedAt));
        emit(new RunEvent.RunStarted(clock.instant(), request.runId(), request.mode(), request.target().name(),
                plan.scriptPath(), plan.checksum(), plan.statements().size()));
        RunResult result = inTransaction(connection, handle, ledger);
        emitFinished(result);
        return result;
    }

    /** The lock belongs to the session and ends with it anyway; failing to release it early changes no outcome. */
    private static void unlock(Ledger ledger, String checksum) {
        try {
            ledger.unlockScript(checksum);
        } catch (RuntimeException e) {
            // the connection is gone, and the lock with it
        }
    }

    private RunResult inTransaction(Connection connection, Handle handle, Ledger ledger) throws SQLException {
        RunSession current = new RunSession(handle, request);
        session = current;
        if (cancelRequested) {
            current.cancel();
        }
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setAutoCommit(false);
        RunResult result;
        try {
            applyTimeouts(connection, handle);
            Containment.Result contained = Containment.check(handle, request.plan(), request.revertsRunId() != null,
                    request.target().rescueSchema());
            triggers = contained.triggers();
            current.firingTriggers(triggers);
            triggers.forEach(t -> notice("Trigger " + t.describe() + " fires for this script's changes: " + t.reason()));
            if (contained.breach() != null) {
                Breach breach = contained.breach();
                throw new StatementFailure(RunStatus.REFUSED, new Failure(breach.statement(), breach.line(), breach.reason()));
            }
            Optional<Failure> refusal = runner.refusalBeforeStatements(current);
            if (refusal.isPresent()) {
                throw new StatementFailure(RunStatus.REFUSED, refusal.get());
            }
            runStatements(current);
            checkDeferredConstraints(current);
            runChecks(current);
            if (request.mode() == Mode.RUN) {
                runner.beforeCommit(current);
                return commit(connection, handle, ledger);
            }
            connection.rollback();
            result = finish(RunStatus.REHEARSED, null);
        } catch (StatementFailure e) {
            rollback(connection);
            result = finish(e.status, e.failure);
        } catch (SQLException | RuntimeException e) {
            rollback(connection);
            result = finish(statusOf(current), new Failure(null, null, SqlErrors.describe(e)));
        } finally {
            session = null;
        }
        recordOutcome(connection, ledger, result);
        return result;
    }

    /** A connection lost mid-run cannot roll back, and need not: PostgreSQL rolls back a transaction whose session ends. */
    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the session is gone, and its transaction with it
        }
    }

    /**
     * Writes the committed outcome into the run's ledger row and commits both together. The unique index over
     * committed runs fails this transaction when another run of the same script committed first. When COMMIT's
     * acknowledgement is lost, the outcome is read back from the database on a new connection, never guessed.
     */
    private RunResult commit(Connection connection, Handle handle, Ledger ledger) throws SQLException, StatementFailure {
        RunResult committed = finish(RunStatus.COMMITTED, null);
        handle.execute("SELECT set_config('lock_timeout', ?, true)", request.target().limits().ledgerLockTimeout().toMillis() + "ms");
        try {
            LedgerRecords.finish(ledger, request, committed);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw new StatementFailure(RunStatus.FAILED, new Failure(null, null, "another run of this exact script (sha256 "
                        + request.plan().checksum() + ") committed while this one ran; this run was rolled back, so the"
                        + " script is applied once"));
            }
            throw e;
        }
        String transactionId = handle.createQuery("SELECT pg_current_xact_id()::text").mapTo(String.class).one();
        try {
            connection.commit();
            return committed;
        } catch (SQLException e) {
            if (connection.isValid(1)) {
                // The server answered: it refused the COMMIT and rolled back.
                connection.rollback();
                RunResult failed = finish(RunStatus.FAILED, new Failure(null, null, SqlErrors.describe(e)));
                recordOutcome(connection, ledger, failed);
                return failed;
            }
            return afterLostCommit(transactionId, e);
        }
    }

    /** COMMIT was sent and its answer lost: ask the database on a new connection how the run ended. */
    private RunResult afterLostCommit(String transactionId, SQLException lost) {
        CommitCheck check = new CommitCheck(request.target(), request.credentials(), request.runId(), transactionId);
        RunResult rolledBack = finish(RunStatus.FAILED, new Failure(null, null, "the connection was lost during COMMIT ("
                + SqlErrors.describe(lost) + "); the database confirms it rolled the run back"));
        CommitCheck.Verdict verdict = check.verdict(request.target().limits().socketTimeout(),
                handle -> LedgerRecords.finish(new Ledger(handle), request, rolledBack));
        return switch (verdict) {
            case COMMITTED -> {
                notice("The connection was lost during COMMIT (" + SqlErrors.describe(lost)
                        + "); the database confirms the run committed");
                yield finish(RunStatus.COMMITTED, null);
            }
            case ROLLED_BACK -> rolledBack;
            case UNKNOWN -> finish(RunStatus.UNKNOWN, new Failure(null, null, "the connection was lost during COMMIT ("
                    + SqlErrors.describe(lost) + ") and the database could not be asked how run " + request.runId()
                    + " ended: it may have committed. Check before running anything again: " + check.query()));
        };
    }

    /**
     * Writes a rolled-back run's outcome to the ledger in its own transaction (a committed run wrote it inside its
     * transaction). The outcome is decided by now: trouble writing it must not turn a result into another one.
     */
    private void recordOutcome(Connection connection, Ledger ledger, RunResult result) {
        try {
            connection.setAutoCommit(true);
            LedgerRecords.finish(ledger, request, result);
        } catch (SQLException | RuntimeException e) {
            notice("The outcome could not be written to the ledger (" + SqlErrors.describe(e)
                    + "); the ledger keeps this run as running and the next run reports it as interrupted");
        }
    }

    /** The script's timeouts for this transaction, and a network timeout that outlasts its longest statement. */
    private void applyTimeouts(Connection connection, Handle handle) throws SQLException {
        Directives directives = request.plan().directives();
        Duration statementTimeout = directives.statementTimeout() != null ? directives.statementTimeout() : request.target().statementTimeout();
        Duration lockTimeout = directives.lockTimeout() != null ? directives.lockTimeout() : request.target().lockTimeout();
        DatabaseConnector.waitAtMost(connection, statementTimeout.plus(request.target().limits().socketTimeout()));
        handle.execute("SELECT set_config('statement_timeout', ?, true), set_config('lock_timeout', ?, true)",
                statementTimeout.toMillis() + "ms", lockTimeout.toMillis() + "ms");
    }

    /**
     * Runs the statements in order. Consecutive statements the runner lets go together ({@link
     * StatementRunner#sentTogether}) are sent in rounds of one round trip each: the engine has nothing to check
     * between them (expectations and assertions come after the last statement, and each statement's timeouts are the
     * server's), so only the waiting for each answer is saved. Events keep their order and counts; those of a round
     * come when its answers do. A round grows while its answers come back within {@link #QUICK_ROUND} and shrinks by
     * half after one that took more than twice that, so events lag about that much behind a run of quick statements,
     * and slow statements soon go alone.
     */
    private void runStatements(RunSession current) throws StatementFailure {
        List<PlannedStatement> all = request.plan().statements();
        int roundSize = 1;
        int next = 0;
        while (next < all.size()) {
            PlannedStatement statement = all.get(next);
            failIfCancelled(current, statement);
            String together = runner.sentTogether(statement, current);
            if (together == null) {
                runAlone(statement, current);
                next++;
                continue;
            }
            List<PlannedStatement> round = new ArrayList<>();
            List<String> sqls = new ArrayList<>();
            round.add(statement);
            sqls.add(together);
            while (round.size() < roundSize && next + round.size() < all.size()) {
                PlannedStatement following = all.get(next + round.size());
                String sql = runner.sentTogether(following, current);
                if (sql == null) {
                    break;
                }
                round.add(following);
                sqls.add(sql);
            }
            long elapsed = runTogether(round, sqls, current);
            if (elapsed <= QUICK_ROUND.toNanos()) {
                roundSize = Math.min(2 * roundSize, MAX_ROUND);
            } else if (elapsed > 2 * QUICK_ROUND.toNanos()) {
                roundSize = Math.max(1, roundSize / 2);
            }
            next += round.size();
        }
    }

    /**
     * Checks deferred constraints now rather than at COMMIT, which a rehearsal never reaches: a rehearsal then fails
     * where the run would, and the checks see what their triggers did.
     */
    private void checkDeferredConstraints(RunSession current) throws StatementFailure {
        try {
            current.execute("SET CONSTRAINTS ALL IMMEDIATE");
        } catch (SQLException e) {
            throw new StatementFailure(statusOf(current), new Failure(null, null,
                    "a deferred constraint failed after the last statement: " + reasonOf(e, current)));
        }
    }

    private void failIfCancelled(RunSession current, PlannedStatement statement) throws StatementFailure {
        if (current.cancelled()) {
            throw new StatementFailure(RunStatus.CANCELLED, new Failure(statement.number(), statement.line(),
                    "cancelled before this statement started"));
        }
    }

    private void runAlone(PlannedStatement statement, RunSession current) throws StatementFailure {
        emitStarted(statement);
        long begin = System.nanoTime();
        long rows;
        try {
            rows = runner.run(statement, current);
        } catch (SQLException e) {
            throw failed(statement, e, current);
        }
        finished(statement, rows, (System.nanoTime() - begin) / 1_000_000);
    }

    /**
     * Sends a round and reports each statement that succeeded as if it had run alone; statements of one round share
     * its time evenly. A failing statement ends the run with its own number and line, its start reported and nothing
     * after it. Returns the round's time in nanoseconds.
     */
    private long runTogether(List<PlannedStatement> round, List<String> sqls, RunSession current) throws StatementFailure {
        long begin = System.nanoTime();
        StatementPipeline.Answers answers;
        try {
            answers = current.executeTogether(sqls);
        } catch (SQLException e) {
            // Nothing of the round ran: the connection failed before it, or the run was cancelled.
            emitStarted(round.get(0));
            throw failed(round.get(0), e, current);
        }
        long elapsed = System.nanoTime() - begin;
        long share = elapsed / round.size() / 1_000_000;
        for (int i = 0; i < answers.answered(); i++) {
            PlannedStatement statement = round.get(i);
            runner.ranTogether(statement, answers.rows()[i]);
            emitStarted(statement);
            finished(statement, answers.rows()[i], share);
        }
        if (answers.failure() != null) {
            PlannedStatement failing = round.get(answers.answered());
            emitStarted(failing);
            throw failed(failing, answers.failure(), current);
        }
        return elapsed;
    }

    private void emitStarted(PlannedStatement statement) {
        emit(new RunEvent.StatementStarted(clock.instant(), statement.number(), statement.line(), statement.kind(), statement.tables()));
    }

    private void finished(PlannedStatement statement, long rows, long durationMillis) {
        StatementResult result = new StatementResult(statement.number(), statement.line(), statement.kind(),
                statement.tables(), rows, durationMillis);
        statements.add(result);
        emit(new RunEvent.StatementFinished(clock.instant(), result));
    }

    private StatementFailure failed(PlannedStatement statement, SQLException e, RunSession current) {
        return new StatementFailure(statusOf(current), new Failure(statement.number(), statement.line(), reasonOf(e, current)));
    }

    private void runChecks(RunSession current) throws StatementFailure {
        Directives directives = request.plan().directives();
        CheckResult firstFailure = null;
        List<CheckResult> results = new ArrayList<>(RunChecks.expectations(directives, statements,
                new ResolvedTables(current.handle())::oid));
        for (Directives.Assertion assertion : directives.assertions()) {
            try {
                results.add(RunChecks.assertion(assertion, current));
            } catch (SQLException e) {
                results.add(new CheckResult("assert", assertion.line(), assertion.sql(), false, "error: " + reasonOf(e, current)));
                if (current.cancelled()) {
                    break;
                }
            }
        }
        for (CheckResult result : results) {
            checks.add(result);
            emit(new RunEvent.CheckFinished(clock.instant(), result));
            if (!result.passed() && firstFailure == null) {
                firstFailure = result;
            }
        }
        if (current.cancelled()) {
            throw new StatementFailure(RunStatus.CANCELLED, new Failure(null, null, "cancelled while checking the results"));
        }
        if (firstFailure != null) {
            throw new StatementFailure(RunStatus.FAILED, new Failure(null, firstFailure.line(),
                    "@" + firstFailure.directive() + " failed: " + firstFailure.description() + " (found " + firstFailure.actual() + ")"));
        }
    }

    /** A statement that failed after a cancel was cancelled; any other failure is the run's own. */
    private static RunStatus statusOf(RunSession current) {
        return current.cancelled() ? RunStatus.CANCELLED : RunStatus.FAILED;
    }

    private String reasonOf(SQLException e, RunSession current) {
        if (current.cancelled()) {
            return "cancelled while the statement was running";
        }
        if (QUERY_CANCELED.equals(e.getSQLState())) {
            return "statement timeout reached (" + SqlErrors.describe(e) + ")";
        }
        if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
            return "lock timeout reached: another session holds a lock this statement needs (" + SqlErrors.describe(e) + ")";
        }
        return SqlErrors.describe(e);
    }

    /** Refuses before anything ran, and records the refusal. */
    private RunResult refuse(Ledger ledger, String reason) {
        RunResult result = finish(RunStatus.REFUSED, new Failure(null, null, reason));
        ledger.recordRefusal(LedgerRecords.of(request, result));
        emitFinished(result);
        return result;
    }

    private void notice(String message) {
        notices.add(message);
        emit(new RunEvent.Notice(clock.instant(), message));
    }

    private RunResult finish(RunStatus status, Failure failure) {
        Plan plan = request.plan();
        return new RunResult(request.runId(), request.mode(), status, plan.scriptPath(), plan.checksum(), request.commit(),
                request.target().name(), request.requestedBy(), startedAt, clock.instant(), statements, checks, failure, notices,
                runner.rescue(), triggers);
    }

    private void emitFinished(RunResult result) {
        emit(new RunEvent.RunFinished(clock.instant(), result.status(), result.rowsChanged(),
                result.failure() == null ? null : result.failure().describe()));
    }

    private void emit(RunEvent event) {
        try {
            listener.on(event);
        } catch (RuntimeException e) {
            // The listener's trouble (a full disk under a log, say) is not the run's: the run goes on as it would.
        }
    }

    /** Ends the transaction early with a status and a reason. */
    private static final class StatementFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient RunStatus status;
        private final transient Failure failure;

        StatementFailure(RunStatus status, Failure failure) {
            super(failure.describe(), null, false, false);
            this.status = status;
            this.failure = failure;
        }
    }
}
