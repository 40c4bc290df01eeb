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
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Writes the reversal of a committed run as an ordinary script, {@code reversal-of-<run id>.sql}, that is planned,
 * approved, rehearsed and run like any other. It is generated from the database alone: the ledger's manifest and the
 * rescue tables. Each rescue table is undone by one statement (the UPDATEs sharing one, at times, by one per statement:
 * {@link UpdateUndo}), in reverse order of the statements that filled them:
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
                statements.addAll(UpdateUndo.of(manifest, entry, columns, catalog, table.oid()).statements());
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
}
