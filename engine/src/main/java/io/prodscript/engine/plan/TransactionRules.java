package io.prodscript.engine.plan;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.script.Directives;
import io.prodscript.engine.sql.SqlStatement;
import java.util.Set;

/**
 * Refuses statements that would break the promise of one transaction that either commits whole or rolls back whole,
 * or that would move data or control outside the engine. These checks read only the statement's leading words, so
 * they hold even for statements the SQL parser does not understand.
 */
final class TransactionRules {
    private static final Set<String> TRANSACTION_CONTROL = Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE");
    private static final Set<String> SESSION_SETTINGS_OWNED_BY_ENGINE = Set.of(
            "STATEMENT_TIMEOUT", "LOCK_TIMEOUT", "IDLE_IN_TRANSACTION_SESSION_TIMEOUT", "TRANSACTION_ISOLATION",
            "DEFAULT_TRANSACTION_ISOLATION", "DEFAULT_TRANSACTION_READ_ONLY", "TRANSACTION_READ_ONLY", "ROLE",
            "SESSION_AUTHORIZATION", "APPLICATION_NAME");

    private TransactionRules() {
    }

    static void check(SqlStatement s, Directives directives) {
        if (TRANSACTION_CONTROL.contains(s.firstWord()) || s.startsWith("START", "TRANSACTION")
                || s.startsWith("SET", "TRANSACTION") || s.startsWith("SET", "SESSION", "CHARACTERISTICS")
                || s.startsWith("PREPARE", "TRANSACTION") || s.startsWith("COMMIT", "PREPARED")) {
            throw refuse(s, "transaction control (" + s.firstWord() + ") is not allowed: the engine runs the whole script in one transaction");
        }
        if (s.startsWith("VACUUM") || s.startsWith("DISCARD") || s.startsWith("ALTER", "SYSTEM")
                || s.startsWith("CREATE", "DATABASE") || s.startsWith("DROP", "DATABASE")
                || s.startsWith("CREATE", "TABLESPACE") || s.startsWith("DROP", "TABLESPACE")
                || s.startsWith("CREATE", "SUBSCRIPTION") || s.startsWith("DROP", "SUBSCRIPTION")
                || s.startsWith("CLUSTER") && s.words().size() == 1
                || (s.startsWith("CREATE") || s.startsWith("DROP") || s.startsWith("REINDEX")) && s.mentions("CONCURRENTLY")) {
            throw refuse(s, leading(s) + " cannot run inside a transaction, so it cannot be rolled back; run it outside this tool");
        }
        if (s.startsWith("COPY")) {
            throw refuse(s, "COPY is not allowed: FROM STDIN has no data stream in a script run, and COPY to or from files or programs moves data outside the database");
        }
        if (s.startsWith("RESET", "ALL")) {
            throw refuse(s, "RESET ALL would undo the timeouts the engine set; use the script's directives (@statement-timeout, @lock-timeout)");
        }
        if (s.startsWith("SET") || s.startsWith("RESET")) {
            String setting = settingName(s);
            if (SESSION_SETTINGS_OWNED_BY_ENGINE.contains(setting)) {
                throw refuse(s, s.firstWord() + " " + setting.toLowerCase(java.util.Locale.ROOT)
                        + " is controlled by the engine; use the script's directives (@statement-timeout, @lock-timeout)");
            }
        }
        if (s.mentions("SET_CONFIG")) {
            throw refuse(s, "set_config() changes session settings the engine controls; use the script's directives");
        }
        if (!directives.allowDestructive()) {
            if (s.startsWith("DROP", "SCHEMA")) {
                throw refuse(s, "DROP SCHEMA needs @allow-destructive in the script's header");
            }
            if ((s.startsWith("DROP") || s.startsWith("TRUNCATE")) && s.mentions("CASCADE")) {
                throw refuse(s, s.firstWord() + " … CASCADE needs @allow-destructive in the script's header");
            }
        }
    }

    /** The setting a SET or RESET names: {@code SET [LOCAL | SESSION] name …}, {@code SET SESSION AUTHORIZATION …}. */
    private static String settingName(SqlStatement s) {
        if (s.startsWith("SET", "SESSION", "AUTHORIZATION") || s.startsWith("RESET", "SESSION", "AUTHORIZATION")) {
            return "SESSION_AUTHORIZATION";
        }
        return s.startsWith("SET", "LOCAL") || s.startsWith("SET", "SESSION") ? word(s, 2) : word(s, 1);
    }

    private static String word(SqlStatement s, int index) {
        return index < s.words().size() ? s.words().get(index) : "";
    }

    private static String leading(SqlStatement s) {
        return String.join(" ", s.words().subList(0, Math.min(3, s.words().size())));
    }

    private static Refusal refuse(SqlStatement s, String reason) {
        return new Refusal(reason, s.line());
    }
}
