package io.prodscript.engine.plan;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.sql.SqlStatement;
import io.prodscript.engine.sql.Token;
import java.util.Set;

/**
 * Refuses statements that would break the promise of one transaction that either commits whole or rolls back whole,
 * or that would move data or control outside the engine. These checks read only the statement's keywords.
 */
final class TransactionRules {
    private static final Set<String> TRANSACTION_CONTROL = Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE");

    private TransactionRules() {
    }

    static void check(SqlStatement s) {
        if (TRANSACTION_CONTROL.contains(s.firstWord()) || s.startsWith("START", "TRANSACTION")
                || s.startsWith("SET", "TRANSACTION") || s.startsWith("SET", "SESSION", "CHARACTERISTICS")
                || s.startsWith("PREPARE", "TRANSACTION")) {
            throw refuse(s, "transaction control (" + leading(s, 2) + ") is not allowed: the engine runs the whole"
                    + " script in one transaction and commits or rolls it back itself");
        }
        String concurrently = concurrently(s);
        if (concurrently != null) {
            throw refuse(s, concurrently + " cannot run inside a transaction, so it could not be rolled back with the"
                    + " rest of the script; run it outside this tool, or drop CONCURRENTLY if the table may be locked"
                    + " for the time it takes");
        }
        if (s.startsWith("VACUUM") || s.startsWith("DISCARD") || s.startsWith("ALTER", "SYSTEM")
                || s.startsWith("CREATE", "DATABASE") || s.startsWith("DROP", "DATABASE")
                || s.startsWith("CREATE", "TABLESPACE") || s.startsWith("DROP", "TABLESPACE")
                || s.startsWith("CREATE", "SUBSCRIPTION") || s.startsWith("DROP", "SUBSCRIPTION")
                || s.startsWith("ALTER", "SUBSCRIPTION")
                || s.startsWith("REINDEX", "SYSTEM") || s.startsWith("REINDEX", "DATABASE")
                || s.startsWith("CLUSTER") && s.tokens().size() == 1
                || s.startsWith("COMMIT", "PREPARED") || s.startsWith("ROLLBACK", "PREPARED")) {
            throw refuse(s, leading(s, 3) + " cannot run inside a transaction, so it could not be rolled back with the"
                    + " rest of the script; run it outside this tool");
        }
        if (s.startsWith("COPY")) {
            throw refuse(s, "COPY is not allowed: the run has no data stream for FROM STDIN or TO STDOUT, and COPY to or"
                    + " from a server file or program moves data outside the database; write INSERT statements, or"
                    + " load the data with a reviewed migration");
        }
    }

    /** The command with its CONCURRENTLY, e.g. {@code CREATE UNIQUE INDEX CONCURRENTLY}, or null. */
    private static String concurrently(SqlStatement s) {
        boolean candidate = s.startsWith("CREATE") || s.startsWith("DROP") || s.startsWith("REINDEX")
                || s.startsWith("ALTER", "TABLE") && s.mentions("DETACH");
        if (!candidate) {
            return null;
        }
        for (Token t : s.tokens()) {
            if (t.is("CONCURRENTLY") && t.depth() == 0) {
                return s.startsWith("ALTER") ? "ALTER TABLE … DETACH PARTITION … CONCURRENTLY"
                        : s.text().substring(0, t.end()).replaceAll("\\s+", " ").toUpperCase(java.util.Locale.ROOT);
            }
        }
        return null;
    }

    private static String leading(SqlStatement s, int words) {
        return String.join(" ", s.words().subList(0, Math.min(words, s.words().size())));
    }

    private static Refusal refuse(SqlStatement s, String reason) {
        return new Refusal(reason, s.line());
    }
}
