package io.prodscript.engine.plan;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.sql.SqlStatement;
import io.prodscript.engine.sql.Token;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses changes to the settings the engine owns for a run, however they are written: {@code SET}, {@code SET LOCAL}
 * and {@code SET SESSION} with {@code =} or {@code TO}, {@code RESET}, {@code set_config(…)} bare, schema-qualified or
 * quoted, {@code UPDATE pg_settings}, the {@code SET} clauses of {@code ALTER ROLE}/{@code ALTER DATABASE} (which
 * later runs would inherit) and of function definitions (which apply while the function runs); setting names quoted
 * or not, in any case (PostgreSQL compares them without case). Applies alike to statements, {@code @assert} checks and the {@code -- @revert} section.
 */
final class SettingRules {
    /** Settings the engine sets for a run, or on which its promises rest. */
    static final Set<String> ENGINE_OWNED = Set.of("statement_timeout", "lock_timeout",
            "idle_in_transaction_session_timeout", "transaction_timeout", "transaction_isolation",
            "transaction_read_only", "transaction_deferrable", "default_transaction_isolation",
            "default_transaction_read_only", "default_transaction_deferrable", "application_name", "search_path",
            "session_replication_role", "role", "session_authorization", "client_encoding",
            // The splitter and every check read string literals as standard-conforming; with it off, the server would
            // read 'a\' WHERE id = 1 --' as one string and run a reviewed UPDATE … WHERE as an UPDATE of every row.
            "standard_conforming_strings");
    /**
     * Engine-owned settings that a role's or database's default would hand on to later runs: the engine sets the
     * others itself in every session it opens.
     */
    private static final Set<String> INHERITED_BY_LATER_RUNS = Set.of("search_path", "role", "session_authorization",
            "session_replication_role");

    /**
     * Engine-owned settings a function's own SET clause may not change. It may pin its search_path (a good habit for
     * SECURITY DEFINER), which changes no name the script resolves; its timeouts or role would apply while the run
     * calls it.
     */
    private static final Set<String> FUNCTION_OWNED = ENGINE_OWNED.stream().filter(name -> !name.equals("search_path"))
            .collect(Collectors.toUnmodifiableSet());

    private SettingRules() {
    }

    static void check(SqlStatement s) {
        if (s.startsWith("SET") || s.startsWith("RESET")) {
            checkSetOrReset(s);
        }
        if (s.startsWith("ALTER", "ROLE") || s.startsWith("ALTER", "USER") || s.startsWith("ALTER", "DATABASE")) {
            checkSetClauses(s, INHERITED_BY_LATER_RUNS, " would change that setting for every later session of the role or database,"
                    + " later runs included, which then no longer run as approved; ask an administrator");
        }
        if (s.definesRoutine() || s.startsWith("ALTER", "FUNCTION") || s.startsWith("ALTER", "PROCEDURE") || s.startsWith("ALTER", "ROUTINE")) {
            checkSetClauses(s, FUNCTION_OWNED, " would change the setting the engine made for the run while the function runs;"
                    + " use the script's @statement-timeout or @lock-timeout directive");
        }
        List<Token> t = s.tokens();
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).names("set_config") && i + 1 < t.size() && t.get(i + 1).isSymbol("(")) {
                checkSetConfig(s, i + 2);
            }
            if (t.get(i).is("UPDATE") && isPgSettings(s, i + 1)) {
                throw new Refusal("UPDATE pg_settings changes session settings, among them the ones the engine sets"
                        + " for the run (timeouts, isolation, search_path); a script cannot change settings this way",
                        s.lineOf(t.get(i).offset()));
            }
        }
    }

    private static void checkSetOrReset(SqlStatement s) {
        String verb = s.firstWord();
        if (s.startsWith("RESET", "ALL")) {
            throw new Refusal("RESET ALL would undo the settings the engine made for the run (timeouts, search_path);"
                    + " reset only the settings the script itself changed", s.line());
        }
        if (s.startsWith("SET", "ROLE") || s.startsWith("SET", "LOCAL", "ROLE") || s.startsWith("SET", "SESSION", "ROLE")
                || s.startsWith("RESET", "ROLE") || s.mentions("AUTHORIZATION")) {
            throw new Refusal(verb + " " + (s.mentions("AUTHORIZATION") ? "SESSION AUTHORIZATION" : "ROLE")
                    + " would run the statements as another database user than the one approved for the target; the"
                    + " run's login is the identity its approvals and ledger record, so grant that login what the"
                    + " script needs instead", s.line());
        }
        int i = s.startsWith("SET", "LOCAL") || s.startsWith("SET", "SESSION") ? 2 : 1;
        List<Token> t = s.tokens();
        if (i >= t.size()) {
            return;
        }
        String setting = settingName(s, i);
        if (t.get(i).is("SCHEMA")) {
            setting = "search_path";
        } else if (t.get(i).is("NAMES")) {
            setting = "client_encoding";
        }
        refuseOwned(s, verb, setting, s.line());
    }

    /** The {@code SET name …} and {@code RESET name} clauses of ALTER ROLE/DATABASE and function definitions. */
    private static void checkSetClauses(SqlStatement s, Set<String> owned, String why) {
        List<Token> t = s.tokens();
        for (int i = 1; i + 1 < t.size(); i++) {
            if (t.get(i).depth() == 0 && (t.get(i).is("SET") || t.get(i).is("RESET"))) {
                String setting = settingName(s, i + 1);
                if (owned.contains(setting)) {
                    throw new Refusal(String.join(" ", s.words().subList(0, 2)) + " … " + t.get(i).text() + " "
                            + setting + why, s.lineOf(t.get(i).offset()));
                }
            }
        }
    }

    private static String settingName(SqlStatement s, int index) {
        return s.nameAt(index).replace("\"", "").toLowerCase(Locale.ROOT);
    }

    private static void refuseOwned(SqlStatement s, String how, String setting, int line) {
        if (setting.equals("search_path")) {
            throw new Refusal(how + " search_path is not allowed: the run pins search_path so that every name resolves"
                    + " the same way in the rehearsal, the run and the reversal; write schema-qualified names"
                    + " (e.g. archive.orders) instead", line);
        }
        if (ENGINE_OWNED.contains(setting)) {
            throw new Refusal(how + " " + setting + " is not allowed: the engine sets " + setting + " for the run"
                    + (setting.endsWith("timeout") ? "; use the script's @statement-timeout or @lock-timeout directive"
                    : ", and the script cannot change it"), line);
        }
    }

    /**
     * {@code set_config(…)} is refused whatever it sets, here as at run start (containment refuses the function however
     * it is written): a setting the engine owns with the reason for that setting, any other with the way to write it.
     */
    private static void checkSetConfig(SqlStatement s, int argument) {
        List<Token> t = s.tokens();
        int line = s.lineOf(t.get(argument - 2).offset());
        boolean constant = argument + 1 < t.size() && t.get(argument).kind() == Token.Kind.STRING
                && t.get(argument + 1).isSymbol(",") && !t.get(argument).text().isEmpty();
        if (constant) {
            refuseOwned(s, "set_config() of", t.get(argument).text().toLowerCase(Locale.ROOT), line);
        }
        throw new Refusal("set_config() is not allowed in a script: it can change any setting, including the ones the"
                + " engine sets for the run; to change another setting for the run write SET LOCAL <name> = <value>",
                line);
    }

    private static boolean isPgSettings(SqlStatement s, int index) {
        List<Token> t = s.tokens();
        int i = index < t.size() && t.get(index).is("ONLY") ? index + 1 : index;
        int last = s.nameEnd(i);
        return last >= i && t.get(last).names("pg_settings");
    }
}
