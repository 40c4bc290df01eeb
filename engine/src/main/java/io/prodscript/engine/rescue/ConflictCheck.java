package io.prodscript.engine.rescue;

import io.prodscript.engine.sql.Identifiers;
import io.prodscript.engine.execution.RunSession;
import io.prodscript.engine.plan.StatementKind;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        String runXid = runXid(manifest);
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

    /**
     * Rows of other tables that refer, through a foreign key, to rows the run inserted, and that the run did not write
     * itself: the reversal deletes the inserted rows, so the key's action would delete (CASCADE) or change (SET NULL,
     * SET DEFAULT) such rows unsaved, or the delete would fail (NO ACTION, RESTRICT). Rows the run wrote (their
     * {@code xmin} is the run's) are its own doing and are undone before, in reverse statement order. By referring
     * table; a table the login cannot read counts as {@code -1}, since nothing can be said about it.
     */
    static Map<String, Long> dependents(RunSession session, RescueManifest manifest) throws SQLException {
        String runXid = runXid(manifest);
        Map<String, Long> dependents = new LinkedHashMap<>();
        for (RescueManifest.Entry entry : manifest.rescueTables()) {
            if (entry.kind() != StatementKind.INSERT) {
                continue;
            }
            for (ForeignKey key : foreignKeysTo(session, entry.table())) {
                if (!key.readable()) {
                    dependents.put(key.table(), -1L);
                    continue;
                }
                String refers = java.util.stream.IntStream.range(0, key.columns().size())
                        .mapToObj(k -> "referring." + Identifiers.quote(key.columns().get(k)) + " = parent."
                                + Identifiers.quote(key.referencedColumns().get(k)))
                        .collect(java.util.stream.Collectors.joining(" AND "));
                long rows = Long.parseLong(session.firstRow("SELECT count(*) FROM " + key.table() + " AS referring"
                        + " WHERE referring.xmin <> " + runXid + " AND EXISTS (SELECT 1 FROM " + entry.table() + " AS parent"
                        + " JOIN " + entry.rescueTable() + " AS saved ON " + Sql.sameKey("parent", "saved", entry.keyColumns())
                        + " WHERE " + refers + ")").get(0));
                if (rows > 0 && dependents.getOrDefault(key.table(), 0L) >= 0) {
                    dependents.merge(key.table(), rows, Long::sum);
                }
            }
        }
        return dependents;
    }

    /**
     * Rows the reversal could not put back because a unique value it would write (an e-mail, say; not the rescue key)
     * is held now by a row under another key that the run did not write: PostgreSQL would refuse it, forced or not.
     * For a DELETE, the rows to insert again (rows whose key exists again are {@link #count}'s); for UPDATEs, the
     * copies whose values the reversal writes ({@link UpdateUndo#writtenRows}: every statement's copy when it goes one
     * statement at a time, passing through the run's temporary values again). A holder the reversal rewrites does not
     * count: one the run wrote (its {@code xmin} is the run's: the run moved the value to it) or saved (changed since
     * the run, which {@link #count} reports and only a forced reversal overwrites), since the reversal undoes it first,
     * in reverse statement order, which frees the value. As phrases such as "2 row(s) of public.users deleted", in the
     * order the run first touched them.
     */
    static List<String> takenUniqueValues(RunSession session, RescueManifest manifest) throws SQLException {
        String runXid = runXid(manifest);
        List<String> taken = new ArrayList<>();
        TableCatalog catalog = new TableCatalog(session.handle());
        for (RescueManifest.Entry entry : manifest.rescueTables()) {
            if (entry.kind() != StatementKind.DELETE && entry.kind() != StatementKind.UPDATE) {
                continue;
            }
            Optional<CatalogTable> table = catalog.resolve(entry.table());
            List<List<String>> otherUniqueKeys = table.map(t -> catalog.uniqueKeys(t.oid())).orElse(List.of()).stream()
                    .filter(unique -> !unique.equals(entry.keyColumns())).toList();
            if (otherUniqueKeys.isEmpty()) {
                continue;
            }
            String rows;
            String notTheSameRow;
            // A row put back by an INSERT writes every column; an UPDATE only those it restores.
            List<String> written;
            if (entry.kind() == StatementKind.DELETE) {
                rows = entry.rescueTable();
                notTheSameRow = "NOT EXISTS (SELECT 1 FROM " + entry.table() + " AS live WHERE "
                        + Sql.sameKey("live", "saved", entry.keyColumns()) + ")";
                written = null;
            } else {
                UpdateUndo undo = UpdateUndo.of(manifest, entry, catalog.columns(table.get().oid()), catalog, table.get().oid());
                rows = undo.writtenRows();
                notTheSameRow = "true";
                written = undo.restored();
            }
            // A holder the reversal itself rewrites first: a row of this table the run saved (or the run wrote).
            StringBuilder rewritten = new StringBuilder("live.xmin = " + runXid);
            for (RescueManifest.Entry mine : manifest.rescueTables()) {
                if (mine.table().equals(entry.table())) {
                    rewritten.append(" OR EXISTS (SELECT 1 FROM ").append(mine.rescueTable()).append(" AS mine WHERE ")
                            .append(Sql.sameKey("mine", "live", mine.keyColumns())).append(")");
                }
            }
            long count = 0;
            for (List<String> unique : otherUniqueKeys) {
                if (written != null && unique.stream().noneMatch(written::contains)) {
                    continue;
                }
                count += Long.parseLong(session.firstRow("SELECT count(*) FROM " + rows + " AS saved WHERE " + notTheSameRow
                        + " AND EXISTS (SELECT 1 FROM " + entry.table() + " AS live WHERE " + Sql.sameKey("live", "saved", unique)
                        + " AND NOT (" + Sql.sameKey("live", "saved", entry.keyColumns()) + ") AND NOT (" + rewritten + "))").get(0));
            }
            if (count > 0) {
                taken.add(count + " row(s) of " + entry.table() + (entry.kind() == StatementKind.DELETE ? " deleted" : " changed"));
            }
        }
        return taken;
    }

    /** The run's transaction id as an SQL {@code xid}, to compare with a row's {@code xmin}. */
    private static String runXid(RescueManifest manifest) {
        return "CAST('" + Long.parseLong(manifest.transactionId()) + "' AS xid8)::xid";
    }

    /** A foreign key referring to a table: the referring table, its columns, the columns they refer to. */
    private record ForeignKey(String table, List<String> columns, List<String> referencedColumns, boolean readable) {
    }

    /** The foreign keys referring to {@code table} (one per partitioned table, not its partitions' clones). */
    private static List<ForeignKey> foreignKeysTo(RunSession session, String table) {
        return session.handle().createQuery("""
                        SELECT format('%I.%I', n.nspname, c.relname),
                               array_agg(ca.attname::text ORDER BY k.ord), array_agg(pa.attname::text ORDER BY k.ord),
                               has_table_privilege(c.oid, 'SELECT')
                          FROM pg_constraint con
                          JOIN pg_class c ON c.oid = con.conrelid
                          JOIN pg_namespace n ON n.oid = c.relnamespace
                         CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(referring, referred, ord)
                          JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.referring
                          JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.referred
                         WHERE con.contype = 'f' AND con.conparentid = 0 AND con.confrelid = to_regclass(:table)
                         GROUP BY con.oid, n.nspname, c.relname, c.oid
                         ORDER BY 1""")
                .bind("table", table)
                .map((rs, ctx) -> new ForeignKey(rs.getString(1), List.of((String[]) rs.getArray(2).getArray()),
                        List.of((String[]) rs.getArray(3).getArray()), rs.getBoolean(4)))
                .list();
    }
}
