package io.prodscript.engine.rescue;

import io.prodscript.engine.execution.RunSession;
import io.prodscript.engine.plan.StatementKind;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds rows that changed after a run, before a reversal would overwrite them. Every row a transaction writes
 * carries its transaction id in the system column {@code xmin}; the manifest records the run's. For each key the run
 * touched, the statements that touched it last (one rescue table's worth) decide what must hold now: after an UPDATE or INSERT the row is still
 * there with the run's {@code xmin}; after a DELETE there is no row with that key. Any other state means another
 * transaction changed, deleted or re-created the row after the run.
 *
 * <p>Limits (docs/rescue.md): an UPDATE that sets a row to the very values it had still counts as a change; tools
 * that rewrite rows (pg_repack, a dump and restore) make every row look changed.
 */
final class ConflictCheck {
    private ConflictCheck() {
    }

    /** Conflicting rows per table, in the order the run first touched them; empty when there are none. */
    static Map<String, Long> count(RunSession session, RescueManifest manifest) throws SQLException {
        String runXid = "CAST('" + Long.parseLong(manifest.transactionId()) + "' AS xid8)::xid";
        List<RescueManifest.Entry> saved = manifest.rescueTables();
        Map<String, Long> conflicts = new LinkedHashMap<>();
        for (int i = 0; i < saved.size(); i++) {
            RescueManifest.Entry entry = saved.get(i);
            StringBuilder sql = new StringBuilder("SELECT count(*) FROM " + entry.rescueTable() + " AS saved WHERE ");
            // Keys later statements touched again are judged by the last of them.
            for (RescueManifest.Entry later : saved.subList(i + 1, saved.size())) {
                if (later.table().equals(entry.table())) {
                    sql.append("NOT EXISTS (SELECT 1 FROM ").append(later.rescueTable()).append(" AS later WHERE ")
                            .append(Sql.sameKey("later", "saved", entry.keyColumns())).append(") AND ");
                }
            }
            String live = "SELECT 1 FROM " + entry.table() + " AS live WHERE " + Sql.sameKey("live", "saved", entry.keyColumns());
            sql.append(entry.kind() == StatementKind.DELETE
                    ? "EXISTS (" + live + ")"
                    : "NOT EXISTS (" + live + " AND live.xmin = " + runXid + ")");
            long rows = Long.parseLong(session.firstRow(sql.toString()).get(0));
            if (rows > 0) {
                conflicts.merge(entry.table(), rows, Long::sum);
            }
        }
        return conflicts;
    }
}
