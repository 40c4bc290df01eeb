package io.prodscript.engine.rescue;

import io.prodscript.engine.sql.Identifiers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How a reversal puts back what the UPDATEs saving into one rescue table changed: in one UPDATE from each row's oldest
 * copy (lowest statement number), which holds its values before the run; or, when several statements saved into it,
 * one UPDATE per statement, last first, each putting back its own columns of its own rows, if
 * <ul>
 *   <li>they assigned different columns: one UPDATE would put back, in every row, every column any of them assigned,
 *       and a forced reversal would overwrite a column of a row whose statement never assigned it; or</li>
 *   <li>the columns put back are under a constraint PostgreSQL checks row by row ({@link TableCatalog#checksRowByRow}):
 *       a run that swapped unique values through a temporary one (A→tmp, B→A, tmp→B) passed each check one statement
 *       at a time, and its reversal passes the same states backwards, where one UPDATE would meet a value still held
 *       by a row it has not reached yet.</li>
 * </ul>
 * Only the columns the statements assigned are put back, so a forced reversal leaves columns the run never touched
 * alone; every column when a statement does not say (then not identity columns PostgreSQL lets no UPDATE write).
 *
 * <p>The reversal writes with it, and the conflict check reads which values it will write ({@link #writtenRows}).
 *
 * @param entry               the rescue table's first entry in the manifest
 * @param savers              the statements that saved into it, in order
 * @param columns             the table's columns
 * @param statementByStatement whether it is put back one statement at a time
 */
record UpdateUndo(RescueManifest.Entry entry, List<RescueManifest.Entry> savers, List<TableCatalog.CatalogColumn> columns,
                  boolean statementByStatement) {
    private static final String STATEMENT = Identifiers.quote(RescueTableNames.STATEMENT_COLUMN);

    /** Decides, for the UPDATEs saving into {@code entry}'s rescue table, how they are put back. */
    static UpdateUndo of(RescueManifest manifest, RescueManifest.Entry entry, List<TableCatalog.CatalogColumn> columns,
                         TableCatalog catalog, long tableOid) {
        List<RescueManifest.Entry> savers = manifest.statements().stream()
                .filter(e -> entry.rescueTable().equals(e.rescueTable())).toList();
        boolean sameColumns = savers.stream().map(UpdateUndo::assignedBy)
                .distinct().count() == 1;
        boolean byStatement = savers.size() > 1
                && (!sameColumns || catalog.checksRowByRow(tableOid, restored(entry, columns, assigned(savers))));
        return new UpdateUndo(entry, savers, columns, byStatement);
    }

    /** The UPDATE statements of the reversal, in the order they run. */
    List<String> statements() {
        if (!statementByStatement) {
            List<String> restored = restored();
            return restored.isEmpty() ? List.of() : List.of(restore(restored, writtenRows()));
        }
        List<String> statements = new ArrayList<>();
        for (int i = savers.size() - 1; i >= 0; i--) {
            RescueManifest.Entry saver = savers.get(i);
            List<String> own = restored(entry, columns, assignedBy(saver));
            if (!own.isEmpty()) {
                statements.add(restore(own, "(SELECT * FROM " + entry.rescueTable() + " WHERE " + STATEMENT + " = " + saver.number() + ")"));
            }
        }
        return statements;
    }

    /**
     * The saved rows whose values the reversal writes, as a query: every statement's copy when it goes one statement
     * at a time, else each row's oldest copy.
     */
    String writtenRows() {
        if (statementByStatement || savers.size() == 1) {
            return entry.rescueTable();
        }
        String keys = Sql.columns(entry.keyColumns());
        return "(SELECT DISTINCT ON (" + keys + ") * FROM " + entry.rescueTable() + " ORDER BY " + keys + ", " + STATEMENT + ")";
    }

    /** The columns put back in some row: those the statements assigned, or every column an UPDATE may write. */
    List<String> restored() {
        return restored(entry, columns, assigned(savers));
    }

    /** The columns put back for these assigned ones, or (null) every column an UPDATE may write. */
    private static List<String> restored(RescueManifest.Entry entry, List<TableCatalog.CatalogColumn> columns, Set<String> assigned) {
        return columns.stream().filter(c -> !c.generated() && !entry.keyColumns().contains(c.name()))
                .filter(c -> assigned == null ? !c.identityAlways() : assigned.contains(c.name()))
                .map(TableCatalog.CatalogColumn::name).toList();
    }

    /** The columns one statement assigned; null when it does not say (then every column). */
    private static Set<String> assignedBy(RescueManifest.Entry saver) {
        return saver.assignedColumns() == null ? null : Set.copyOf(saver.assignedColumns());
    }

    /** The columns the statements assigned, together; null when one of them does not say. */
    private static Set<String> assigned(List<RescueManifest.Entry> savers) {
        Set<String> assigned = new HashSet<>();
        for (RescueManifest.Entry saver : savers) {
            if (saver.assignedColumns() == null) {
                return null;
            }
            assigned.addAll(saver.assignedColumns());
        }
        return assigned;
    }

    /** {@code UPDATE <table> AS live SET <columns> = saved.<columns> FROM <rows> AS saved WHERE <same key>}. */
    private String restore(List<String> restored, String rows) {
        return "UPDATE " + entry.table() + " AS live SET "
                + String.join(", ", restored.stream().map(c -> Identifiers.quote(c) + " = saved." + Identifiers.quote(c)).toList())
                + "\n  FROM " + rows + " AS saved WHERE " + Sql.sameKey("live", "saved", entry.keyColumns());
    }
}
