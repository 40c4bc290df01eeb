package io.prodscript.engine.rescue;

import io.prodscript.engine.sql.Identifiers;
import io.prodscript.engine.Refusal;
import io.prodscript.engine.containment.Containment;
import io.prodscript.engine.containment.FiringTrigger;
import io.prodscript.engine.plan.StatementKind;
import io.prodscript.engine.script.Script;
import io.prodscript.engine.script.ScriptReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Writes the reversal of a committed run as an ordinary script, {@code reversal-of-<run id>.sql}, that is planned,
 * approved, rehearsed and run like any other. It is generated from the database alone: the ledger's manifest and the
 * rescue tables. Each rescue table is undone by one statement (UPDATEs under a row-by-row unique check: one per
 * statement), in reverse order of the statements that filled them:
 * the rows an UPDATE changed get their old values back by key, the rows a DELETE removed are inserted again, the rows
 * an INSERT added are deleted. A run whose script had its own
 * {@code -- @revert} section is reversed by that section instead.
 *
 * <p>The reversal itself runs with {@code @rescue none}: what it overwrites is what the run wrote, which running the
 * original script again reproduces.
 */
public final class ReversalScripts {
    private static final Pattern PATH = Pattern.compile("^reversal-of-(.+)\\.sql$");

    private ReversalScripts() {
    }

    /**
     * The reversal script of a run. Its header names every user trigger on the tables it writes, as the trigger
     * check requires, and says which of them fire again as rows are put back.
     *
     * @param suppressTriggers whether the reversal runs with {@code session_replication_role = replica}, so ordinary
     *                         triggers (and foreign-key checks) do not fire: a BEFORE trigger that stamps a column
     *                         would otherwise stamp the restored rows, and an AFTER trigger that logs would log again.
     *                         Only a login allowed to set {@code session_replication_role} can run it
     * @throws Refusal when the run cannot be reversed, saying why; nothing is changed
     */
    public static Script generate(Handle handle, String runId, boolean suppressTriggers) {
        ReversibleRun run = ReversibleRun.load(handle, runId);
        RescueManifest manifest = run.manifest();
        StringBuilder text = new StringBuilder()
                .append("-- @description reversal of run ").append(runId).append(" (").append(manifest.scriptPath())
                .append(", sha256 ").append(manifest.checksum()).append(")\n")
                .append("-- @rescue none: this restores what run ").append(runId)
                .append(" saved; to redo that run, apply its script again\n");
        List<String> written = manifest.statements().stream().filter(RescueManifest.Entry::saved)
                .map(RescueManifest.Entry::table).distinct().toList();
        List<FiringTrigger> triggers = Containment.triggersOn(handle, written);
        if (suppressTriggers) {
            text.append("-- @triggers-suppressed reverting run ").append(runId).append(" puts rows back as they were;")
                    .append(" triggers (and foreign-key checks) must not change them again\n");
        }
        for (FiringTrigger trigger : triggers) {
            text.append("-- @triggers-fire ").append(trigger.name()).append(": on ").append(trigger.table()).append(", ")
                    .append(trigger.fires()).append(suppressTriggers
                            ? "; suppressed unless it is enabled ALWAYS or REPLICA"
                            : "; fires again as this reversal puts rows back").append('\n');
        }
        if (run.revertSql() != null) {
            // The script's own reversal runs under the acknowledgements its approvers accepted with the script.
            manifest.functionsReviewed().forEach(f -> text.append("-- @functions-reviewed ").append(f.name()).append(": ")
                    .append(f.reason()).append('\n'));
            // The section was checked under the run's own header when the run was planned, so any DROP or whole-table
            // change in it was allowed there (the documented reversal of a CREATE is a DROP); without these the
            // reversal would be refused at planning and the run could never be undone by its own section.
            text.append("-- @allow-destructive\n-- @allow-full-table\n");
            text.append(run.revertSql().strip()).append('\n');
        } else {
            List<String> statements = generatedStatements(handle, manifest);
            if (statements.isEmpty()) {
                throw new Refusal("run " + runId + " changed no rows that rescue saved, so there is nothing to reverse");
            }
            // Rows are put back in key order: a hash join over a large rescue table would hand the rows over in
            // random order and visit the table's pages at random, several times slower than the run itself.
            text.append("SET LOCAL enable_hashjoin = off;\n");
            statements.forEach(s -> text.append(s).append(";\n"));
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return new Script(pathFor(runId), text.toString(), ScriptReader.sha256(bytes), bytes.length);
    }

    /** The path a run's reversal script carries. */
    public static String pathFor(String runId) {
        return "reversal-of-" + runId.replaceAll("[^A-Za-z0-9._-]", "-") + ".sql";
    }

    /** The run a script path says it reverses, when it is a reversal's path. */
    static Optional<String> reversedRunOf(String scriptPath) {
        Matcher m = PATH.matcher(scriptPath);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static List<String> generatedStatements(Handle handle, RescueManifest manifest) {
        TableCatalog catalog = new TableCatalog(handle);
        // Later statements are undone first; within a statement, parents before the rows its foreign keys reached.
        List<RescueManifest.Entry> rescueTables = new ArrayList<>(manifest.rescueTables());
        rescueTables.sort(Comparator.comparingInt(RescueManifest.Entry::number).reversed());
        List<String> statements = new ArrayList<>();
        for (RescueManifest.Entry entry : rescueTables) {
            CatalogTable table = catalog.resolve(entry.table()).orElseThrow(() -> new Refusal("table " + entry.table()
                    + " written by statement " + entry.number() + " of run " + manifest.runId() + " no longer exists"));
            List<TableCatalog.CatalogColumn> columns = catalog.columns(table.oid());
            if (entry.kind() != StatementKind.INSERT) {
                requireSameShape(catalog, entry, columns, manifest.runId());
            }
            if (entry.kind() == StatementKind.UPDATE) {
                statements.addAll(undoUpdates(manifest, entry, columns, restored -> catalog.checksRowByRow(table.oid(), restored)));
            } else {
                statements.add(undo(entry, columns));
            }
        }
        return statements;
    }

    /** The rescue table was made LIKE the table; if their columns differ now, the table changed after the run. */
    private static void requireSameShape(TableCatalog catalog, RescueManifest.Entry entry,
                                         List<TableCatalog.CatalogColumn> columns, String runId) {
        List<String> live = columns.stream().map(c -> c.name() + " " + c.type()).toList();
        List<String> saved = catalog.resolve(entry.rescueTable()).map(t -> catalog.columns(t.oid())).orElseThrow()
                .stream().filter(c -> !c.name().equals(RescueTableNames.STATEMENT_COLUMN)).map(c -> c.name() + " " + c.type()).toList();
        if (!live.equals(saved)) {
            throw new Refusal("table " + entry.table() + " has different columns than when run " + runId
                    + " saved its rows in " + entry.rescueTable() + "; the reversal cannot be generated");
        }
    }

    /**
     * Puts back the rows the UPDATEs saving into one rescue table changed: in one UPDATE from each row's oldest copy
     * (lowest statement number), which holds its values before the run. When several statements saved into it and
     * the columns put back are under a constraint PostgreSQL checks row by row ({@link TableCatalog#checksRowByRow}),
     * one UPDATE per statement instead, last first: a run that swapped unique values through a temporary one (A→tmp,
     * B→A, tmp→B) passed each check one statement at a time, and its reversal passes the same states backwards, where
     * one UPDATE would meet a value still held by a row it has not reached yet.
     *
     * <p>Only the columns the statements assigned are put back, so a forced reversal leaves columns the run never
     * touched alone; every column when a statement does not say (then not identity columns PostgreSQL lets no UPDATE
     * write).
     */
    private static List<String> undoUpdates(RescueManifest manifest, RescueManifest.Entry entry,
                                            List<TableCatalog.CatalogColumn> columns, Predicate<List<String>> checkedRowByRow) {
        String saved = entry.rescueTable();
        List<RescueManifest.Entry> savers = manifest.statements().stream().filter(e -> saved.equals(e.rescueTable())).toList();
        List<String> restored = restored(entry, columns, assigned(savers));
        if (restored.isEmpty()) {
            return List.of();
        }
        String statementColumn = Identifiers.quote(RescueTableNames.STATEMENT_COLUMN);
        if (savers.size() == 1 || !checkedRowByRow.test(restored)) {
            String keys = Sql.columns(entry.keyColumns());
            return List.of(restore(entry, restored, savers.size() == 1 ? saved
                    : "(SELECT DISTINCT ON (" + keys + ") * FROM " + saved + " ORDER BY " + keys + ", " + statementColumn + ")"));
        }
        List<String> statements = new ArrayList<>();
        for (int i = savers.size() - 1; i >= 0; i--) {
            RescueManifest.Entry saver = savers.get(i);
            List<String> own = restored(entry, columns, saver.assignedColumns() == null ? null : Set.copyOf(saver.assignedColumns()));
            if (!own.isEmpty()) {
                statements.add(restore(entry, own, "(SELECT * FROM " + saved + " WHERE " + statementColumn + " = " + saver.number() + ")"));
            }
        }
        return statements;
    }

    /** The columns an UPDATE reversal puts back: those assigned, or (null) every column an UPDATE may write. */
    private static List<String> restored(RescueManifest.Entry entry, List<TableCatalog.CatalogColumn> columns, Set<String> assigned) {
        return columns.stream().filter(c -> !c.generated() && !entry.keyColumns().contains(c.name()))
                .filter(c -> assigned == null ? !c.identityAlways() : assigned.contains(c.name()))
                .map(TableCatalog.CatalogColumn::name).toList();
    }

    /** {@code UPDATE <table> AS live SET <columns> = saved.<columns> FROM <rows> AS saved WHERE <same key>}. */
    private static String restore(RescueManifest.Entry entry, List<String> restored, String rows) {
        return "UPDATE " + entry.table() + " AS live SET "
                + String.join(", ", restored.stream().map(c -> Identifiers.quote(c) + " = saved." + Identifiers.quote(c)).toList())
                + "\n  FROM " + rows + " AS saved WHERE " + Sql.sameKey("live", "saved", entry.keyColumns());
    }

    /** Undoes what the DELETEs or INSERTs saving into one rescue table did, in one statement. */
    private static String undo(RescueManifest.Entry entry, List<TableCatalog.CatalogColumn> columns) {
        List<String> keys = entry.keyColumns();
        List<String> writable = columns.stream().filter(c -> !c.generated()).map(TableCatalog.CatalogColumn::name).toList();
        List<String> values = writable.stream().filter(c -> !keys.contains(c)).toList();
        String saved = entry.rescueTable();
        return switch (entry.kind()) {
            // OVERRIDING SYSTEM VALUE puts back identity values as they were; ON CONFLICT lets a forced reversal
            // overwrite a row that was created again under the same key after the run.
            case DELETE -> "INSERT INTO " + entry.table() + " (" + Sql.columns(writable) + ") OVERRIDING SYSTEM VALUE"
                    + "\n  SELECT " + Sql.columns(writable) + " FROM " + saved
                    + "\n  ON CONFLICT (" + Sql.columns(keys) + ") DO " + (values.isEmpty() ? "NOTHING" : "UPDATE SET "
                    + String.join(", ", values.stream().map(c -> Identifiers.quote(c) + " = EXCLUDED." + Identifiers.quote(c)).toList()));
            case INSERT -> "DELETE FROM " + entry.table() + " AS live USING " + saved + " AS saved WHERE "
                    + Sql.sameKey("live", "saved", keys);
            default -> throw new IllegalStateException(entry.kind() + " is not undone by one statement");
        };
    }

    /** The columns the UPDATEs saving into one rescue table assigned, together; null when one of them does not say. */
    private static Set<String> assigned(List<RescueManifest.Entry> savers) {
        Set<String> columns = new HashSet<>();
        for (RescueManifest.Entry saver : savers) {
            if (saver.assignedColumns() == null) {
                return null;
            }
            columns.addAll(saver.assignedColumns());
        }
        return columns;
    }
}
