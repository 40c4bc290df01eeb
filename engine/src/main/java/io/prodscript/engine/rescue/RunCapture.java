package io.prodscript.engine.rescue;

import io.prodscript.engine.execution.Failure;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunSession;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.plan.StatementKind;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Saves, for one run, what each statement changes into the rescue schema, inside the run's transaction (so a
 * rehearsal's rescue tables roll back with it), then records the manifest as the run commits.
 */
final class RunCapture {
    /** {@code server_version_num} of PostgreSQL 18, the first with {@code RETURNING old.*}. */
    private static final int RETURNING_OLD_SINCE = 180000;

    private final RunRequest request;
    private final CaptureMethod method;
    private final Clock clock;
    private final Map<Integer, PlannedCapture> planned = new LinkedHashMap<>();
    private final Map<Integer, Long> rowsAffected = new HashMap<>();
    private final List<SavedChanges> saved = new ArrayList<>();
    private boolean returningOld;
    private Instant expiresAt;

    RunCapture(RunRequest request, CaptureMethod method, Clock clock) {
        this.request = request;
        this.method = method;
        this.clock = clock;
    }

    /** Plans the captures and creates the rescue schema when needed; or says why the run must not start. */
    Optional<Failure> prepare(RunSession session) throws SQLException {
        Plan plan = request.plan();
        if (plan.directives().rescueNone() != null) {
            return Optional.empty();
        }
        CapturePlanner.Result result = new CapturePlanner(session.handle()).plan(plan, request.runId());
        if (result.refusal() != null) {
            return Optional.of(result.refusal());
        }
        for (PlannedCapture capture : result.captures()) {
            planned.put(capture.write().planned().number(), capture);
        }
        if (!planned.isEmpty()) {
            returningOld = method == CaptureMethod.AUTOMATIC && serverVersion(session.handle()) >= RETURNING_OLD_SINCE;
            expiresAt = clock.instant().plus(retention());
            ensureSchema(session.handle());
        }
        return Optional.empty();
    }

    /** Runs one statement, saving what it changes when it is captured. */
    long run(PlannedStatement statement, RunSession session) throws SQLException {
        PlannedCapture capture = planned.get(statement.number());
        long rows = capture == null ? session.execute(statement.sql()) : capture(capture, session);
        rowsAffected.put(statement.number(), rows);
        return rows;
    }

    private long capture(PlannedCapture capture, RunSession session) throws SQLException {
        if (capture.createsTable()) {
            Sql.execute(session.handle(), CaptureSql.createTable(capture));
            describe(session.handle(), capture);
        }
        long rows;
        if (capture.kind() == StatementKind.UPDATE && !returningOld) {
            long copied = session.execute(CaptureSql.copyFirst(capture));
            rows = session.execute(capture.write().planned().sql());
            if (copied != rows) {
                // Same snapshot, same condition: only a volatile condition or a trigger that skips rows gets here.
                throw new SQLException("rescue copied " + copied + " row(s) before statement " + capture.number()
                        + " but it changed " + rows + "; its WHERE clause or a trigger does not give the same rows"
                        + " twice, so its changes cannot be saved exactly");
            }
        } else {
            rows = session.execute(CaptureSql.singlePass(capture, returningOld));
        }
        saved.add(new SavedChanges(capture, rows));
        return rows;
    }

    /** Records the manifest and the rescue tables in the ledger, in the run's transaction. */
    void beforeCommit(RunSession session) {
        String transactionId = session.handle().createQuery("SELECT pg_current_xact_id()::text").mapTo(String.class).one();
        new RescueRegistry(session.handle()).record(manifest(session.handle(), transactionId), request.plan().revertSql());
    }

    /** What the run saved (for a rehearsal: what a run would save). */
    RunResult.Rescue report() {
        List<RunResult.RescueCapture> captures = saved.stream().map(s -> new RunResult.RescueCapture(
                s.capture().number(), s.capture().write().planned().line(), s.capture().kind(),
                s.capture().table().qualified(), s.capture().qualifiedRescueTable(), s.capture().keyColumns(),
                s.rows())).toList();
        return new RunResult.Rescue(request.plan().directives().rescueNone(), reversal(),
                saved.isEmpty() ? null : expiresAt, captures);
    }

    private RescueManifest manifest(Handle handle, String transactionId) {
        Map<Integer, SavedChanges> byStatement = new HashMap<>();
        saved.forEach(s -> byStatement.put(s.capture().number(), s));
        Map<Integer, List<String>> keyRanges = keyRanges(handle);
        List<RescueManifest.Entry> entries = new ArrayList<>();
        for (PlannedStatement statement : request.plan().statements()) {
            if (statement.kind() == StatementKind.SELECT || !rowsAffected.containsKey(statement.number())) {
                continue;
            }
            long rows = statement.kind().changesRows() ? rowsAffected.get(statement.number()) : 0;
            SavedChanges s = byStatement.get(statement.number());
            entries.add(s == null
                    ? new RescueManifest.Entry(statement.number(), statement.line(), statement.kind(),
                            statement.tables().isEmpty() ? null : String.join(", ", statement.tables()), rows,
                            null, null, null, null, null, null)
                    : new RescueManifest.Entry(statement.number(), statement.line(), statement.kind(),
                            s.capture().table().qualified(), rows, s.capture().qualifiedRescueTable(),
                            s.capture().keyColumns(), s.rows(), range(keyRanges, statement, 0), range(keyRanges, statement, 1),
                            expiresAt));
        }
        Plan plan = request.plan();
        return new RescueManifest(RescueManifest.VERSION, request.runId(), plan.scriptPath(), plan.checksum(),
                request.target().name(), transactionId, plan.directives().rescueNone(), reversal(), entries);
    }

    /** The smallest and largest saved key of every statement that saved rows, by statement number. */
    private Map<Integer, List<String>> keyRanges(Handle handle) {
        Map<String, List<SavedChanges>> byTable = new LinkedHashMap<>();
        saved.stream().filter(s -> s.rows() > 0)
                .forEach(s -> byTable.computeIfAbsent(s.capture().qualifiedRescueTable(), t -> new ArrayList<>()).add(s));
        Map<Integer, List<String>> ranges = new HashMap<>();
        byTable.forEach((table, savers) -> handle.createQuery(CaptureSql.keyRanges(table, savers.get(0).capture().keyColumns(),
                        savers.stream().map(s -> s.capture().number()).toList()))
                .map((rs, ctx) -> Map.entry(rs.getInt(1), List.of(rs.getString(2), rs.getString(3))))
                .forEach(e -> ranges.put(e.getKey(), e.getValue())));
        return ranges;
    }

    private static String range(Map<Integer, List<String>> ranges, PlannedStatement statement, int end) {
        List<String> range = ranges.get(statement.number());
        return range == null ? null : range.get(end);
    }

    private String reversal() {
        Plan plan = request.plan();
        if (plan.revertSql() != null) {
            return RescueManifest.SCRIPT;
        }
        return plan.directives().rescueNone() != null ? RescueManifest.NONE : RescueManifest.GENERATED;
    }

    private Duration retention() {
        Duration scripted = request.plan().directives().rescueRetention();
        return scripted != null ? scripted : request.target().rescueRetention();
    }

    /** The rescue table's comment says whose it is, so an operator browsing the schema needs no ledger. */
    private void describe(Handle handle, PlannedCapture capture) throws SQLException {
        PlannedStatement statement = capture.write().planned();
        String text = "prodscript rescue table: " + (capture.kind() == StatementKind.INSERT ? "keys of the rows inserted by"
                : "rows as they were before") + " statement " + statement.number() + " (line " + statement.line() + ", "
                + capture.kind() + " " + capture.table().qualified() + ") and the " + capture.kind()
                + " statements of that table right after it, column " + RescueTableNames.STATEMENT_COLUMN
                + " saying which; run " + request.runId() + ", script " + request.plan().scriptPath()
                + " sha256 " + request.plan().checksum() + "; expires " + expiresAt;
        // COMMENT takes no parameters; format(%L) quotes the text server-side, whatever the script path contains.
        String sql = handle.createQuery("SELECT format('COMMENT ON TABLE %s IS %L', :table, :text)")
                .bind("table", capture.qualifiedRescueTable()).bind("text", text).mapTo(String.class).one();
        Sql.execute(handle, sql);
    }

    private static int serverVersion(Handle handle) {
        return handle.createQuery("SELECT current_setting('server_version_num')::int").mapTo(Integer.class).one();
    }

    /**
     * Creates the rescue schema when it is missing. Two first runs racing to create it would see a duplicate-key
     * error; the savepoint lets the loser carry on with the schema the winner made.
     */
    private static void ensureSchema(Handle handle) throws SQLException {
        boolean exists = handle.createQuery("SELECT to_regnamespace(:s) IS NOT NULL").bind("s", RescueTableNames.SCHEMA)
                .mapTo(Boolean.class).one();
        if (exists) {
            return;
        }
        Savepoint savepoint = handle.getConnection().setSavepoint();
        try {
            Sql.execute(handle, "CREATE SCHEMA IF NOT EXISTS " + RescueTableNames.SCHEMA);
            handle.getConnection().releaseSavepoint(savepoint);
        } catch (SQLException e) {
            handle.getConnection().rollback(savepoint);
        }
    }

    /** What one statement saved. */
    private record SavedChanges(PlannedCapture capture, long rows) {
    }
}
