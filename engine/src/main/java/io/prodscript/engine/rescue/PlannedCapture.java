package io.prodscript.engine.rescue;

import io.prodscript.engine.plan.StatementKind;
import java.util.List;

/**
 * How one statement's changes will be saved.
 *
 * <p>Consecutive statements of the same kind on the same table share one rescue table, named after the first of
 * them, with a column saying which statement saved each row: a script of ten thousand single-row UPDATEs gets one
 * rescue table, not ten thousand (which would also exhaust the server's lock table within one transaction).
 *
 * @param write        the statement
 * @param table        the table it writes
 * @param keyColumns   the columns that identify its rows (a key no statement of the run assigns)
 * @param rescueTable  the table in the rescue schema that will hold what is saved, schema-qualified
 * @param createsTable whether this statement is the first to use that rescue table, and so creates it
 * @param cascades     the rows its foreign keys will reach in other tables, level by level (parents first)
 */
record PlannedCapture(WriteStatement write, CatalogTable table, List<String> keyColumns, String rescueTable,
                      boolean createsTable, List<CascadeCapture> cascades) {
    PlannedCapture {
        keyColumns = List.copyOf(keyColumns);
        cascades = List.copyOf(cascades);
    }

    StatementKind kind() {
        return write.kind();
    }

    int number() {
        return write.planned().number();
    }

    /** {@code rescue.<name>}, or the target's rescue schema. */
    String qualifiedRescueTable() {
        return rescueTable;
    }

    /** Whether the next statement may save into the same rescue table. */
    boolean sharesWith(PlannedCapture next) {
        return next.table().oid() == table.oid() && next.kind() == kind() && cascades.isEmpty() && next.cascades().isEmpty();
    }
}
