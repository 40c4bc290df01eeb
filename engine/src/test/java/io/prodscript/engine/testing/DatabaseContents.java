package io.prodscript.engine.testing;

import java.util.List;
import java.util.StringJoiner;
import org.jdbi.v3.core.Handle;

/**
 * A digest of everything stored in the given schemas: which tables exist with which columns, and every row,
 * in a stable order. Two equal digests mean the data is the same, so tests can prove "nothing changed".
 */
public final class DatabaseContents {
    private DatabaseContents() {
    }

    public static String digest(TestDatabase db, String... schemas) {
        return db.jdbi().withHandle(h -> digest(h, schemas));
    }

    public static String digest(Handle h, String... schemas) {
        StringJoiner all = new StringJoiner("\n");
        for (String schema : schemas) {
            List<String> tables = h.createQuery(
                            "SELECT table_name FROM information_schema.tables WHERE table_schema = :s ORDER BY table_name")
                    .bind("s", schema).mapTo(String.class).list();
            for (String table : tables) {
                String qualified = quote(schema) + "." + quote(table);
                String columns = h.createQuery("SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position)"
                                + " FROM information_schema.columns WHERE table_schema = :s AND table_name = :t")
                        .bind("s", schema).bind("t", table).mapTo(String.class).one();
                String rows = h.createQuery("SELECT coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r::text)), 'empty') FROM "
                                + qualified + " r")
                        .mapTo(String.class).one();
                all.add(qualified + "(" + columns + ")=" + rows);
            }
        }
        return all.toString();
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
