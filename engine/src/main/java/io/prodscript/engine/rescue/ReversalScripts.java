package io.prodscript.engine.rescue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.plan.StatementKind;
import io.prodscript.engine.script.Script;
import io.prodscript.engine.script.ScriptReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Writes the reversal of a committed run as an ordinary script, {@code reversal-of-<run id>.sql}, that is planned,
 * approved, rehearsed and run like any other. It is generated from the database alone: the ledger's manifest and the
 * rescue tables. Each rescue table is undone by one statement, in reverse order of the statements that filled them:
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
     * The reversal script of a run.
     *
     * @throws Refusal when the run cannot be reversed, saying why; nothing is changed
     */
    public static Script generate(Handle handle, String runId) {
        ReversibleRun run = ReversibleRun.load(handle, runId);
        RescueManifest manifest = run.manifest();
        StringBuilder text = new StringBuilder()
                .append("-- @description reversal of run ").append(runId).append(" (").append(manifest.scriptPath())
                .append(", sha256 ").append(manifest.checksum()).append(")\n")
                .append("-- @rescue none: this restores what run ").append(runId)
                .append(" saved; to redo that run, apply its script again\n");
        if (run.revertSql() != null) {
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
        List<RescueManifest.Entry> rescueTables = new ArrayList<>(manifest.rescueTables());
        Collections.reverse(rescueTables);
        List<String> statements = new ArrayList<>();
        for (RescueManifest.Entry entry : rescueTables) {
            CatalogTable table = catalog.resolve(entry.table()).orElseThrow(() -> new Refusal("table " + entry.table()
                    + " written by statement " + entry.number() + " of run " + manifest.runId() + " no longer exists"));
            List<TableCatalog.CatalogColumn> columns = catalog.columns(table.oid());
            if (entry.kind() != StatementKind.INSERT) {
                requireSameShape(catalog, entry, columns, manifest.runId());
            }
            undo(entry, columns, manifest.statementsSavingInto(entry.rescueTable()) > 1).ifPresent(statements::add);
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
     * Undoes what the statements saving into one rescue table did, in one statement.
     *
     * @param severalStatements whether more than one statement saved into it; for UPDATEs a row may then be saved
     *                          more than once, and its oldest copy (lowest statement number) holds the original values
     */
    private static Optional<String> undo(RescueManifest.Entry entry, List<TableCatalog.CatalogColumn> columns,
                                         boolean severalStatements) {
        List<String> keys = entry.keyColumns();
        List<String> writable = columns.stream().filter(c -> !c.generated()).map(TableCatalog.CatalogColumn::name).toList();
        List<String> values = writable.stream().filter(c -> !keys.contains(c)).toList();
        String saved = entry.rescueTable();
        return switch (entry.kind()) {
            case UPDATE -> values.isEmpty() ? Optional.empty() : Optional.of("UPDATE " + entry.table() + " AS live SET "
                    + String.join(", ", values.stream().map(c -> Sql.quote(c) + " = saved." + Sql.quote(c)).toList())
                    + "\n  FROM " + (severalStatements ? "(SELECT DISTINCT ON (" + Sql.columns(keys) + ") * FROM " + saved
                    + " ORDER BY " + Sql.columns(keys) + ", " + Sql.quote(RescueTableNames.STATEMENT_COLUMN) + ")" : saved)
                    + " AS saved WHERE " + Sql.sameKey("live", "saved", keys));
            // OVERRIDING SYSTEM VALUE puts back identity values as they were; ON CONFLICT lets a forced reversal
            // overwrite a row that was created again under the same key after the run.
            case DELETE -> Optional.of("INSERT INTO " + entry.table() + " (" + Sql.columns(writable) + ") OVERRIDING SYSTEM VALUE"
                    + "\n  SELECT " + Sql.columns(writable) + " FROM " + saved
                    + "\n  ON CONFLICT (" + Sql.columns(keys) + ") DO " + (values.isEmpty() ? "NOTHING" : "UPDATE SET "
                    + String.join(", ", values.stream().map(c -> Sql.quote(c) + " = EXCLUDED." + Sql.quote(c)).toList())));
            case INSERT -> Optional.of("DELETE FROM " + entry.table() + " AS live USING " + saved + " AS saved WHERE "
                    + Sql.sameKey("live", "saved", keys));
            default -> throw new IllegalStateException(entry.kind() + " is never saved");
        };
    }
}
