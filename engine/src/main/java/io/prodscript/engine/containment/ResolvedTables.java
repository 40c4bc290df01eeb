package io.prodscript.engine.containment;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Table names as a script writes them, resolved the way the run's session resolves them ({@code to_regclass}, so
 * through its {@code search_path}), once each: scripts of thousands of statements write few tables. Shared by the
 * run-start checks so that each name costs one catalog query per run; the run's {@code @expect-rows} checks resolve
 * names the same way.
 */
public final class ResolvedTables {
    /** A resolved table: its oid and the schema it lies in. */
    record Table(long oid, String schema) {
    }

    private final Handle handle;
    private final Map<String, Optional<Table>> byWrittenName = new HashMap<>();

    public ResolvedTables(Handle handle) {
        this.handle = handle;
    }

    /** The oid of the table the name resolves to in this session, or empty when it resolves to none. */
    public Optional<Long> oid(String writtenName) {
        return resolve(writtenName).map(Table::oid);
    }

    Handle handle() {
        return handle;
    }

    /** The table the name resolves to in this session, or empty when there is none (yet). */
    Optional<Table> resolve(String writtenName) {
        return byWrittenName.computeIfAbsent(writtenName, name -> handle.createQuery("""
                        SELECT c.oid::bigint, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.oid = to_regclass(:name)""")
                .bind("name", name)
                .map((rs, ctx) -> new Table(rs.getLong(1), rs.getString(2)))
                .findOne());
    }
}
