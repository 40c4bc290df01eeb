package io.prodscript.engine.rescue;

import io.prodscript.engine.sql.Identifiers;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Builds the SQL text rescue generates, and runs generated DDL through plain JDBC: JDBI would read a {@code :} inside
 * a generated cast or quoted name as a parameter.
 */
final class Sql {
    private Sql() {
    }

    /** {@code "a", "b"}. */
    static String columns(List<String> names) {
        return names.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
    }

    /** {@code left."a" = right."a" AND left."b" = right."b"}: the rows of two tables that share a key. */
    static String sameKey(String left, String right, List<String> keyColumns) {
        return keyColumns.stream().map(k -> left + "." + Identifiers.quote(k) + " = " + right + "." + Identifiers.quote(k))
                .collect(Collectors.joining(" AND "));
    }

    /** Runs generated DDL. */
    static void execute(Handle handle, String sql) throws SQLException {
        try (Statement statement = handle.getConnection().createStatement()) {
            statement.execute(sql);
        }
    }
}
