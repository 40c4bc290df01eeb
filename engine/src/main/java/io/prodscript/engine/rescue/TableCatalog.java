package io.prodscript.engine.rescue;

import io.prodscript.engine.plan.StatementKind;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** What rescue asks the database's catalog: which table a name means, its keys, columns and cascading references. */
final class TableCatalog {
    private final Handle handle;

    TableCatalog(Handle handle) {
        this.handle = handle;
    }

    /** The table a name written in a statement means on this connection, as the statement itself will resolve it. */
    Optional<CatalogTable> resolve(String written) {
        return handle.createQuery("""
                        SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS qualified, c.relname
                          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.oid = to_regclass(:name)""")
                .bind("name", written)
                .map((rs, ctx) -> new CatalogTable(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .findOne();
    }

    /**
     * Keys that identify a row for ever: the primary key first, then unique indexes over plain NOT NULL columns that
     * are neither partial nor deferred, fewest columns first. Each key is its column names in index order.
     */
    List<List<String>> keys(long oid) {
        return uniqueIndexes(oid, true);
    }

    /**
     * The columns of every unique index over plain columns that is not partial, deferred or not: each makes PostgreSQL
     * refuse a row whose values another row already has (NULLs aside), which a reversal putting rows back must respect.
     */
    List<List<String>> uniqueKeys(long oid) {
        return uniqueIndexes(oid, false);
    }

    /**
     * Whether a unique index or exclusion constraint of the table that is not DEFERRABLE covers any of the columns:
     * PostgreSQL checks those for each row as a statement writes it, not when the statement ends, so one UPDATE that
     * swaps such values between rows fails although its end state would pass. An index over an expression or with a
     * condition counts whatever its columns; the indexes a partition of a partitioned table has on its own count as
     * the table's.
     */
    boolean checksRowByRow(long oid, Collection<String> columns) {
        return handle.createQuery("""
                        SELECT EXISTS (SELECT 1 FROM pg_index i
                                        WHERE (i.indrelid = :oid
                                               OR i.indrelid IN (SELECT relid FROM pg_partition_tree(CAST(CAST(:oid AS oid) AS regclass))))
                                          AND (i.indisunique OR i.indisexclusion) AND i.indimmediate
                                          AND (i.indexprs IS NOT NULL OR i.indpred IS NOT NULL
                                               OR EXISTS (SELECT 1 FROM pg_attribute a
                                                           WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
                                                             AND a.attname = ANY (CAST(:columns AS text[])))))""")
                .bind("oid", oid)
                .bindArray("columns", String.class, columns.toArray(String[]::new))
                .mapTo(Boolean.class).one();
    }

    /** Unique indexes' key columns (INCLUDE columns left out); {@code identifying}: only {@link #keys}' kind. */
    private List<List<String>> uniqueIndexes(long oid, boolean identifying) {
        return handle.createQuery("""
                        SELECT array_agg(a.attname::text ORDER BY k.ord)
                          FROM pg_index i
                          CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                         WHERE i.indrelid = :oid AND i.indisunique
                           AND (NOT :identifying OR i.indisvalid AND i.indimmediate)
                           AND i.indpred IS NULL AND i.indexprs IS NULL AND k.ord <= i.indnkeyatts
                         GROUP BY i.indexrelid, i.indisprimary
                        HAVING NOT :identifying OR bool_and(a.attnotnull)
                         ORDER BY i.indisprimary DESC, count(*), i.indexrelid::regclass::text""")
                .bind("oid", oid)
                .bind("identifying", identifying)
                .map((rs, ctx) -> List.of((String[]) rs.getArray(1).getArray()))
                .list();
    }

    /**
     * The foreign keys of other tables that reference this one and act when a referenced row is deleted or its
     * referenced columns change (CASCADE, SET NULL, SET DEFAULT): such changes happen inside the statement, so rescue
     * saves the rows they will reach before it runs.
     */
    List<Reference> actingReferences(long oid) {
        return handle.createQuery("""
                        SELECT format('constraint %I of %s', con.conname, con.conrelid::regclass),
                               nullif(con.confdeltype, 'a'), nullif(con.confupdtype, 'a'),
                               array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                                       JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord),
                               array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                                       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord),
                               c.oid, format('%I.%I', n.nspname, c.relname), c.relname
                          FROM pg_constraint con
                          JOIN pg_class c ON c.oid = con.conrelid
                          JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE con.contype = 'f' AND con.confrelid = :oid
                           AND (con.confdeltype IN ('c', 'n', 'd') OR con.confupdtype IN ('c', 'n', 'd'))
                         ORDER BY con.conname""")
                .bind("oid", oid)
                .map((rs, ctx) -> new Reference(rs.getString(1), action(rs.getString(2)), action(rs.getString(3)),
                        Arrays.asList((String[]) rs.getArray(4).getArray()), Arrays.asList((String[]) rs.getArray(5).getArray()),
                        new CatalogTable(rs.getLong(6), rs.getString(7), rs.getString(8))))
                .list();
    }

    /**
     * Why rows of this table cannot be saved by key, or empty: a foreign table's rows live on another server; a
     * table with inheritance children (not partitions) hands statements the children's rows too, which its keys do
     * not identify; and where row-level security applies to the login, saving in the statement ({@code RETURNING})
     * makes PostgreSQL apply the table's SELECT policies too, so the statement could change other rows than it would
     * alone (a DELETE allowed on rows the login may not read deletes none of them).
     */
    Optional<String> unsaveable(CatalogTable table) {
        return handle.createQuery("""
                        SELECT CASE WHEN c.relkind = 'f' THEN 'table ' || :name || ' is a foreign table: its rows live on'
                                        || ' another server, outside this transaction'
                                    WHEN c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid)
                                    THEN 'table ' || :name || ' has inheritance children, whose rows a statement on it changes'
                                        || ' too and its keys do not identify'
                                    WHEN row_security_active(c.oid)
                                    THEN 'row-level security applies to this login on table ' || :name || ': saving the rows'
                                        || ' in the statement would apply its SELECT policies too and could change which rows'
                                        || ' the statement changes'
                                    WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                                                    AND NOT a.attisdropped AND a.attname = :statementColumn)
                                    THEN 'table ' || :name || ' has a column named ' || :statementColumn || ', the name of the'
                                        || ' column in which rescue notes which statement saved a row' END
                          FROM pg_class c WHERE c.oid = :oid""")
                .bind("oid", table.oid()).bind("name", table.qualified())
                .bind("statementColumn", RescueTableNames.STATEMENT_COLUMN)
                .mapTo(String.class).findOne();
    }

    /** PostgreSQL's one-letter referential action, in words; null for the ones that change nothing (NO ACTION, RESTRICT). */
    private static String action(String code) {
        return switch (code == null ? "" : code) {
            case "c" -> "CASCADE";
            case "n" -> "SET NULL";
            case "d" -> "SET DEFAULT";
            default -> null;
        };
    }

    /** The table's columns in order, with their types, and whether the database computes them. */
    List<CatalogColumn> columns(long oid) {
        return handle.createQuery("""
                        SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attgenerated <> '', a.attidentity = 'a'
                          FROM pg_attribute a
                         WHERE a.attrelid = :oid AND a.attnum > 0 AND NOT a.attisdropped
                         ORDER BY a.attnum""")
                .bind("oid", oid)
                .map((rs, ctx) -> new CatalogColumn(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)))
                .list();
    }

    /**
     * One column of a table.
     *
     * @param name      its name
     * @param type      its type with modifiers, e.g. {@code character varying(20)}
     * @param generated      whether it is a generated column, which can be read but never written
     * @param identityAlways whether it is a {@code GENERATED ALWAYS AS IDENTITY} column, which an UPDATE may set only
     *                       to its default (an INSERT puts it back with {@code OVERRIDING SYSTEM VALUE})
     */
    record CatalogColumn(String name, String type, boolean generated, boolean identityAlways) {
    }

    /**
     * A foreign key that references a table and acts on changes to it.
     *
     * @param constraint  the constraint and its table, for a message
     * @param onDelete    what it does when a referenced row is deleted, or null when that changes nothing
     * @param onUpdate    what it does when referenced columns change, or null when that changes nothing
     * @param columns     the referenced columns, in the key's order
     * @param referencing the referencing table's columns, in the same order
     * @param table       the referencing table
     */
    record Reference(String constraint, String onDelete, String onUpdate, List<String> columns, List<String> referencing,
                     CatalogTable table) {
        /**
         * What the reference does to the referencing table's rows when a statement of this kind, assigning these
         * columns, changes referenced rows: deletes them (DELETE), assigns its columns (UPDATE), or nothing.
         */
        Optional<StatementKind> effectOf(StatementKind kind, Set<String> updatedColumns) {
            if (kind == StatementKind.DELETE && onDelete != null) {
                return Optional.of(onDelete.equals("CASCADE") ? StatementKind.DELETE : StatementKind.UPDATE);
            }
            if (kind == StatementKind.UPDATE && onUpdate != null && columns.stream().anyMatch(updatedColumns::contains)) {
                return Optional.of(StatementKind.UPDATE);
            }
            return Optional.empty();
        }

        /** {@code constraint … of … (ON DELETE CASCADE)}. */
        String describe(StatementKind kind) {
            return constraint + " (ON " + kind + " " + (kind == StatementKind.DELETE ? onDelete : onUpdate) + ")";
        }
    }
}
