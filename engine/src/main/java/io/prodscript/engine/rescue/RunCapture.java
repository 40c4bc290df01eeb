package io.prodscript.engine.rescue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.execution.Failure;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunSession;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.plan.StatementKind;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Saves, for one run, what each statement changes into the rescue schema, inside the run's transaction (so a
 * rehearsal's rescue tables roll back with it), then records the manifest as the run commits.
 */
final class RunCapture {
    /**
     * The most rows a rescue table may hold for the manifest to give its key ranges from a pass of their own over it.
     * That pass reads every saved row again after the run saved them: for a large change it costs as much as a
     * twentieth of a DELETE's whole run (35–70 ms for 1,000,000 rows, measured), for a range that then says little;
     * up to this many rows it costs under a millisecond. A statement whose run proves its saved keys one by one
     * (an UPDATE copied first) gives its range at any size, since that proof reads it anyway.
     */
    static final long KEY_RANGE_PASS_LIMIT = 10_000;
    /** {@code server_version_num} of PostgreSQL 18, the first with {@code RETURNING old.*}. */
    private static final int RETURNING_OLD_SINCE = 180000;

    private final RunRequest request;
    private final CaptureMethod method;
    private final Clock clock;
    private final Map<Integer, PlannedCapture> planned = new LinkedHashMap<>();
    /** The copy-first query of each statement saved before it runs and then proved key by key, by statement number. */
    private final Map<Integer, String> copies = new HashMap<>();
    /**
     * The copy-first query of each DELETE whose condition picks the same rows twice in one snapshot, by statement
     * number: its copy is proved by counts alone ({@link RepeatableDeletes}).
     */
    private final Map<Integer, String> countedCopies = new HashMap<>();
    private final Map<Integer, Long> rowsAffected = new HashMap<>();
    /** Whether a table's chosen key is one integer column, by table oid: then the manifest shows key ranges. */
    private final Map<Long, Boolean> integerKeys = new HashMap<>();
    private final List<SavedChanges> saved = new ArrayList<>();
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
        CapturePlanner.Result result = new CapturePlanner(session.handle(), request.target().rescueSchema())
                .plan(plan, request.runId());
        if (result.refusal() != null) {
            return Optional.of(result.refusal());
        }
        if (result.captures().isEmpty()) {
            return Optional.empty();
        }
        boolean returningOld = method == CaptureMethod.AUTOMATIC && serverVersion(session.handle()) >= RETURNING_OLD_SINCE;
        Map<Integer, String> deletes = new HashMap<>();
        result.captures().stream()
                .filter(c -> c.kind() == StatementKind.DELETE && c.cascades().isEmpty() && !beforeRowTrigger(c, session))
                .forEach(c -> deletes.put(c.number(), c.write().textWithoutReturning()));
        Set<Integer> repeatable = RepeatableDeletes.find(session.handle(), deletes);
        for (PlannedCapture capture : result.captures()) {
            planned.put(capture.number(), capture);
            integerKeys.computeIfAbsent(capture.table().oid(), oid -> integerKey(session.handle(), capture));
            if (repeatable.contains(capture.number())) {
                // Copying first costs what a backup made by hand costs; the one pass writes every row through the
                // ordinary insert path and a spilled tuple store (docs/rescue.md). A DELETE whose text cannot be cut
                // for the copy is saved in one pass. A BEFORE DELETE trigger that skips rows would stop the run at
                // the count check, so a table with one is saved in one pass too.
                try {
                    countedCopies.put(capture.number(), CaptureSql.copyFirst(capture));
                    continue;
                } catch (Refusal cannotCut) {
                    // falls through to the one pass
                }
            }
            boolean copyFirst = !capture.cascades().isEmpty() || capture.kind() == StatementKind.UPDATE && !returningOld;
            if (copyFirst) {
                try {
                    copies.put(capture.number(), CaptureSql.copyFirst(capture));
                } catch (Refusal refusal) {
                    return Optional.of(new Failure(capture.number(), capture.write().planned().line(),
                            refusal.getMessage().replaceFirst("^line \\d+: ", "")));
                }
            }
        }
        // The rescue schema exists: the run checked the installation before it started (ledger.LedgerSchema).
        expiresAt = clock.instant().plus(retention());
        return Optional.empty();
    }

    /** Runs one statement, saving what it changes when it is captured. */
    long run(PlannedStatement statement, RunSession session) throws SQLException {
        PlannedCapture capture = planned.get(statement.number());
        long rows = capture == null ? session.execute(statement.sql()) : capture(capture, session);
        rowsAffected.put(statement.number(), rows);
        return rows;
    }

    /**
     * The statement's SQL when it may be sent with its neighbours: a statement saved in one pass into a rescue table
     * an earlier statement created. It needs nothing before it and nothing read back but its row count; a statement
     * that creates its table, copies first or is not saved runs alone.
     */
    String sentTogether(PlannedStatement statement) {
        PlannedCapture capture = planned.get(statement.number());
        return capture != null && !capture.createsTable() && !copies.containsKey(capture.number())
                ? CaptureSql.singlePass(capture) : null;
    }

    /** Records the row count of a statement sent through {@link #sentTogether}. */
    void ranTogether(PlannedStatement statement, long rows) {
        rowsAffected.put(statement.number(), rows);
        savedInOnePass(planned.get(statement.number()), rows);
    }

    private void savedInOnePass(PlannedCapture capture, long rows) {
        saved.add(new SavedChanges(capture, rows, List.of(), null));
    }

    private long capture(PlannedCapture capture, RunSession session) throws SQLException {
        Handle handle = session.handle();
        String counted = countedCopies.get(capture.number());
        if (counted != null) {
            return copyThenDelete(capture, counted, session);
        }
        String copy = copies.get(capture.number());
        if (copy == null) {
            if (capture.createsTable()) {
                Sql.execute(handle, CaptureSql.createTable(capture));
            }
            // The same SQL sentTogether gives for a statement whose table an earlier statement created.
            long rows = session.execute(CaptureSql.singlePass(capture));
            if (capture.createsTable()) {
                completeNewTable(handle, capture);
            }
            savedInOnePass(capture, rows);
            return rows;
        }
        // A copy that creates its rescue table (CREATE TABLE … AS) counts the rows it copied like an INSERT.
        long copied = session.execute(copy);
        if (capture.createsTable()) {
            completeNewTable(handle, capture);
        }
        List<Long> reached = new ArrayList<>();
        for (CascadeCapture cascade : capture.cascades()) {
            reached.add(saveCascade(session, capture, cascade));
        }
        boolean keyRange = integerKeys.get(capture.table().oid());
        List<String> outcome = session.firstRow(CaptureSql.checkedRun(capture, keyRange));
        long rows = Long.parseLong(outcome.get(0));
        long unsaved = Long.parseLong(outcome.get(1));
        if (rows != copied || unsaved > 0) {
            // Same snapshot, same condition: only a volatile condition or a trigger that skips rows gets here.
            throw new SQLException("rescue saved " + copied + " row(s) before statement " + capture.number()
                    + " but it changed " + rows + ", " + unsaved + " of them not among those saved; its condition or a"
                    + " trigger does not give the same rows twice, so its changes cannot be saved exactly");
        }
        saved.add(new SavedChanges(capture, rows, reached, keyRange && rows > 0 ? outcome.subList(2, 4) : null));
        return rows;
    }

    /**
     * Copies the rows a DELETE will delete, then runs it as written: its rows are exactly those copied when it deletes
     * as many, because its condition picks the same rows in both statements and the DELETE can only leave some of
     * them out ({@link RepeatableDeletes} says why). Both go in one round trip, so nothing runs between them; the new
     * rescue table is protected after the DELETE, still inside the run's transaction, where no one else sees it.
     */
    private long copyThenDelete(PlannedCapture capture, String copy, RunSession session) throws SQLException {
        long[] rows = session.executeInOneMessage(List.of(copy, capture.write().textWithoutReturning()));
        long copied = rows[0];
        long deleted = rows[1];
        if (deleted != copied) {
            throw new SQLException("rescue saved " + copied + " row(s) before statement " + capture.number()
                    + " but it deleted " + deleted + "; a trigger skipped rows, or something changed between the copy"
                    + " and the DELETE, so its changes cannot be saved exactly");
        }
        if (capture.createsTable()) {
            completeNewTable(session.handle(), capture);
        }
        saved.add(new SavedChanges(capture, deleted, List.of(), null));
        return deleted;
    }

    /** Saves the rows one foreign key will reach; a table without key may be reached by no row at all. */
    private long saveCascade(RunSession session, PlannedCapture capture, CascadeCapture cascade) throws SQLException {
        if (cascade.keyColumns().isEmpty()) {
            long rows = Long.parseLong(session.firstRow(CaptureSql.countCascade(cascade, capture.number())).get(0));
            if (rows > 0) {
                throw new SQLException("statement " + capture.number() + " would change " + rows + " row(s) of "
                        + cascade.table().qualified() + " through " + cascade.reachedThrough() + ", a table with no"
                        + " primary key or unique key on NOT NULL columns, so rescue could not put them back; change"
                        + " those rows first, or give the table a key", "P0001");
            }
            return 0;
        }
        Sql.execute(session.handle(), CaptureSql.createCascadeTable(cascade));
        protect(session.handle(), cascade.qualifiedRescueTable(), capture, cascade);
        return session.execute(CaptureSql.saveCascade(cascade, capture.number()));
    }

    /**
     * Completes the rescue table a statement created once its rows are in: gives it its statement column, then
     * {@link #protect}s it (still inside the run's transaction, where no one else sees it).
     */
    private void completeNewTable(Handle handle, PlannedCapture capture) throws SQLException {
        Sql.execute(handle, CaptureSql.addStatementColumn(capture));
        protect(handle, capture.qualifiedRescueTable(), capture, null);
    }

    /**
     * Makes a new rescue table no wider open than its source: row-level security on with no policy, its comment, and
     * then, last, every privilege anyone but its owner holds on it revoked (PUBLIC's and those default privileges
     * granted); a role with BYPASSRLS would read the rows despite row security. Where an enabled event trigger could
     * answer the ALTER or COMMENT by granting access, the grantees are read again after them, and what is left after
     * the REVOKE is checked: a grant that comes back (an event trigger answering the REVOKE itself) stops the run,
     * rolled back, rather than leave saved rows readable. Without one, the grantees read before the commands are all
     * there will be (no other session sees the table yet), and one message sends the commands and the REVOKE.
     */
    private void protect(Handle handle, String rescueTable, PlannedCapture capture, CascadeCapture cascade) throws SQLException {
        // COMMENT takes no parameters; format(%L) quotes the text server-side, whatever the script path contains.
        List<String> plan = handle.createQuery("""
                        SELECT format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY; COMMENT ON TABLE %s IS %L', :table, :table, :comment),
                               EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtenabled <> 'D')::text""")
                .bind("table", rescueTable).bind("comment", comment(capture, cascade))
                .map((rs, ctx) -> List.of(rs.getString(1), rs.getString(2))).one();
        if (!Boolean.parseBoolean(plan.get(1))) {
            Sql.execute(handle, plan.get(0) + ";\n" + revokeFromAllButOwner(handle, rescueTable));
            return;
        }
        Sql.execute(handle, plan.get(0));
        Sql.execute(handle, revokeFromAllButOwner(handle, rescueTable));
        Set<String> left = granteesBesidesOwner(handle, rescueTable);
        if (!left.isEmpty()) {
            throw new SQLException("rescue table " + rescueTable + " was granted to " + String.join(", ", left) + " again as soon as"
                    + " the engine revoked it (an event trigger?); the run stops rather than leave the saved rows readable to"
                    + " others", "42501");
        }
    }

    /** {@code REVOKE ALL} on a table from PUBLIC and every role other than its owner that holds a privilege on it now. */
    private static String revokeFromAllButOwner(Handle handle, String table) {
        Set<String> grantees = new LinkedHashSet<>(List.of("PUBLIC"));
        grantees.addAll(granteesBesidesOwner(handle, table));
        return "REVOKE ALL ON " + table + " FROM " + String.join(", ", grantees);
    }

    /** The roles other than its owner holding a privilege on a table, quoted (PUBLIC as such). */
    private static Set<String> granteesBesidesOwner(Handle handle, String table) {
        return handle.createQuery("""
                        SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END
                          FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) AS a
                          LEFT JOIN pg_roles r ON r.oid = a.grantee
                         WHERE c.oid = to_regclass(:table) AND a.grantee <> c.relowner""")
                .bind("table", table).mapTo(String.class).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Records the manifest and the rescue tables in the ledger, in the run's transaction. */
    void beforeCommit(RunSession session) {
        String transactionId = session.handle().createQuery("SELECT pg_current_xact_id()::text").mapTo(String.class).one();
        new RescueRegistry(session.handle()).record(manifest(session, transactionId), request.plan().revertSql());
    }

    /** What the run saved (for a rehearsal: what a run would save), cascaded rows after their statement's own. */
    RunResult.Rescue report() {
        List<RunResult.RescueCapture> captures = new ArrayList<>();
        for (SavedChanges s : saved) {
            PlannedCapture c = s.capture();
            int line = c.write().planned().line();
            captures.add(new RunResult.RescueCapture(c.number(), line, c.kind(), c.table().qualified(),
                    c.qualifiedRescueTable(), c.keyColumns(), s.rows(), null));
            for (int i = 0; i < s.cascaded().size(); i++) {
                CascadeCapture cascade = c.cascades().get(i);
                if (!cascade.keyColumns().isEmpty()) {
                    captures.add(new RunResult.RescueCapture(c.number(), line, cascade.kind(), cascade.table().qualified(),
                            cascade.qualifiedRescueTable(), cascade.keyColumns(), s.cascaded().get(i), cascade.reachedThrough()));
                }
            }
        }
        return new RunResult.Rescue(request.plan().directives().rescueNone(), reversal(),
                saved.isEmpty() ? null : expiresAt, captures);
    }

    private RescueManifest manifest(RunSession session, String transactionId) {
        Map<Integer, SavedChanges> byStatement = new HashMap<>();
        saved.forEach(s -> byStatement.put(s.capture().number(), s));
        Map<Integer, List<String>> keyRanges = keyRanges(session.handle());
        List<RescueManifest.Entry> entries = new ArrayList<>();
        for (PlannedStatement statement : request.plan().statements()) {
            if (statement.kind() == StatementKind.SELECT || !rowsAffected.containsKey(statement.number())) {
                continue;
            }
            long rows = statement.kind().changesRows() ? rowsAffected.get(statement.number()) : 0;
            SavedChanges s = byStatement.get(statement.number());
            if (s == null) {
                entries.add(new RescueManifest.Entry(statement.number(), statement.line(), statement.kind(),
                        statement.tables().isEmpty() ? null : String.join(", ", statement.tables()), rows,
                        null, null, null, null, null, null, null, null));
                continue;
            }
            PlannedCapture c = s.capture();
            List<String> range = s.keyRange() != null ? s.keyRange() : keyRanges.get(statement.number());
            entries.add(new RescueManifest.Entry(statement.number(), statement.line(), statement.kind(),
                    c.table().qualified(), rows, c.qualifiedRescueTable(), c.keyColumns(), s.rows(),
                    range == null ? null : range.get(0), range == null ? null : range.get(1), expiresAt,
                    assignedColumns(c, session), null));
            for (int i = 0; i < s.cascaded().size(); i++) {
                CascadeCapture cascade = c.cascades().get(i);
                if (!cascade.keyColumns().isEmpty()) {
                    entries.add(new RescueManifest.Entry(statement.number(), statement.line(), cascade.kind(),
                            cascade.table().qualified(), s.cascaded().get(i), cascade.qualifiedRescueTable(),
                            cascade.keyColumns(), s.cascaded().get(i), null, null, expiresAt,
                            cascade.kind() == StatementKind.UPDATE ? cascade.assignedColumns() : null, cascade.reachedThrough()));
                }
            }
        }
        Plan plan = request.plan();
        return new RescueManifest(RescueManifest.VERSION, request.runId(), plan.scriptPath(), plan.checksum(),
                request.target().name(), transactionId, plan.directives().rescueNone(), reversal(), entries,
                session.firingTriggers(), plan.directives().functionsReviewed());
    }

    /**
     * The columns an UPDATE changed: those its SET list assigns, or null (every column) when a BEFORE UPDATE row
     * trigger fires on its table, since that trigger may change any of them.
     */
    private static List<String> assignedColumns(PlannedCapture capture, RunSession session) {
        return capture.kind() != StatementKind.UPDATE || beforeRowTrigger(capture, session) ? null
                : capture.write().updatedColumns().stream().sorted().toList();
    }

    /** Whether a BEFORE row trigger for the statement's kind fires on its table: it may change or skip any row. */
    private static boolean beforeRowTrigger(PlannedCapture capture, RunSession session) {
        return session.firingTriggers().stream().anyMatch(t -> t.table().equals(capture.table().qualified())
                && t.fires().startsWith("BEFORE") && t.fires().contains(capture.kind().name()) && t.fires().endsWith("ROW"));
    }

    /**
     * The smallest and largest saved key of every statement that saved rows and whose run did not already tell them,
     * by statement number; only for a one-column integer key, whose values number rows without saying anything
     * about them (a natural key, such as an e-mail address, is row data and stays out of the manifest), and only in a
     * rescue table of at most {@link #KEY_RANGE_PASS_LIMIT} rows.
     */
    private Map<Integer, List<String>> keyRanges(Handle handle) {
        Map<String, Long> rowsByTable = new HashMap<>();
        saved.forEach(s -> rowsByTable.merge(s.capture().qualifiedRescueTable(), s.rows(), Long::sum));
        Map<String, String> keyByTable = new LinkedHashMap<>();
        saved.stream().filter(s -> s.rows() > 0 && s.keyRange() == null && integerKeys.get(s.capture().table().oid())
                        && rowsByTable.get(s.capture().qualifiedRescueTable()) <= KEY_RANGE_PASS_LIMIT)
                .forEach(s -> keyByTable.putIfAbsent(s.capture().qualifiedRescueTable(), s.capture().keyColumns().get(0)));
        Map<String, Set<Integer>> savingRows = new HashMap<>();
        saved.stream().filter(s -> s.rows() > 0).forEach(s -> savingRows
                .computeIfAbsent(s.capture().qualifiedRescueTable(), t -> new HashSet<>()).add(s.capture().number()));
        Map<Integer, List<String>> ranges = new HashMap<>();
        keyByTable.forEach((table, key) -> handle.createQuery(CaptureSql.keyRanges(table, key,
                        savingRows.get(table).size() == 1 ? savingRows.get(table).iterator().next() : null))
                .map((rs, ctx) -> Map.entry(rs.getInt(1), List.of(rs.getString(2), rs.getString(3))))
                .forEach(e -> ranges.put(e.getKey(), e.getValue())));
        return ranges;
    }

    private static boolean integerKey(Handle handle, PlannedCapture capture) {
        return capture.keyColumns().size() == 1 && handle.createQuery("""
                        SELECT atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
                          FROM pg_attribute WHERE attrelid = :oid AND attname = :column""")
                .bind("oid", capture.table().oid()).bind("column", capture.keyColumns().get(0))
                .mapTo(Boolean.class).one();
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
    private String comment(PlannedCapture capture, CascadeCapture cascade) {
        PlannedStatement statement = capture.write().planned();
        String what = cascade != null ? "rows of " + cascade.table().qualified() + " as they were before statement "
                + statement.number() + " (line " + statement.line() + ", " + capture.kind() + " " + capture.table().qualified()
                + ") reached them through " + cascade.reachedThrough()
                : (capture.kind() == StatementKind.INSERT ? "keys of the rows inserted by" : "rows as they were before")
                + " statement " + statement.number() + " (line " + statement.line() + ", " + capture.kind() + " "
                + capture.table().qualified() + ") and the " + capture.kind() + " statements of that table right after it";
        return "prodscript rescue table: " + what + ", column " + RescueTableNames.STATEMENT_COLUMN
                + " saying which; run " + request.runId() + ", script " + request.plan().scriptPath()
                + " sha256 " + request.plan().checksum() + "; expires " + expiresAt;
    }

    private static int serverVersion(Handle handle) {
        return handle.createQuery("SELECT current_setting('server_version_num')::int").mapTo(Integer.class).one();
    }

    /**
     * What one statement saved: its own rows, the rows each of its cascades reached, in the capture's order, and the
     * smallest and largest key saved when its run already knows them (else null).
     */
    private record SavedChanges(PlannedCapture capture, long rows, List<Long> cascaded, List<String> keyRange) {
    }
}
