package io.prodscript.engine.rescue;

import io.prodscript.engine.sql.Identifiers;
import io.prodscript.engine.plan.StatementKind;
import java.util.List;

/**
 * The rows a statement will change in another table through a foreign key that cascades, sets null or sets a
 * default, saved before the statement runs: the rows of {@code table} whose referencing columns match the rows saved
 * one level up ({@code parentRescueTable}). Levels are saved in order, parents before children.
 *
 * @param reachedThrough    the constraint, e.g. {@code constraint children_parent_id_fkey of children (ON DELETE CASCADE)}
 * @param table             the referencing table
 * @param kind              DELETE when its rows are deleted, UPDATE when its referencing columns are assigned
 * @param assignedColumns   for UPDATE, the referencing columns the foreign key assigns
 * @param keyColumns        the key identifying its rows; empty when it has none, and then no row may be reached
 * @param referencing       its referencing columns
 * @param referenced        the parent's referenced columns, in the same order
 * @param parentRescueTable where the parent level's rows are saved, schema-qualified
 * @param rescueTable       the rescue table its rows go to, schema-qualified
 */
record CascadeCapture(String reachedThrough, CatalogTable table, StatementKind kind, List<String> assignedColumns,
                      List<String> keyColumns, List<String> referencing, List<String> referenced,
                      String parentRescueTable, String rescueTable) {
    CascadeCapture {
        assignedColumns = List.copyOf(assignedColumns);
        keyColumns = List.copyOf(keyColumns);
    }

    String qualifiedRescueTable() {
        return rescueTable;
    }

    /** {@code EXISTS (…)}: a row of the table ({@code live}) that references a saved parent row of this statement. */
    String reachedBy(int statement) {
        StringBuilder match = new StringBuilder();
        for (int i = 0; i < referencing.size(); i++) {
            match.append(" AND live.").append(Identifiers.quote(referencing.get(i))).append(" = parent.").append(Identifiers.quote(referenced.get(i)));
        }
        return "EXISTS (SELECT 1 FROM " + parentRescueTable + " AS parent WHERE parent."
                + Identifiers.quote(RescueTableNames.STATEMENT_COLUMN) + " = " + statement + match + ")";
    }
}
