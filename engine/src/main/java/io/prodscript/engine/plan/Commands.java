package io.prodscript.engine.plan;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.sql.SqlStatement;
import io.prodscript.engine.sql.Token;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a statement is, from its leading keywords, following the commands of PostgreSQL's SQL command reference
 * ("SQL Commands" in the PostgreSQL documentation, versions 13 to 18). This never depends on parsing the whole
 * statement: a command PostgreSQL has is classified however its body is written, and a word that starts no
 * PostgreSQL command is refused as such.
 */
final class Commands {
    /** Objects of CREATE, ALTER and DROP, by their first keyword (ACCESS METHOD, EVENT TRIGGER, TEXT SEARCH …). */
    private static final Set<String> OBJECTS = Set.of("ACCESS", "AGGREGATE", "CAST", "COLLATION", "CONVERSION",
            "DATABASE", "DOMAIN", "EVENT", "EXTENSION", "FOREIGN", "FUNCTION", "GROUP", "INDEX", "LANGUAGE",
            "MATERIALIZED", "OPERATOR", "POLICY", "PROCEDURE", "PUBLICATION", "ROLE", "ROUTINE", "RULE", "SCHEMA",
            "SEQUENCE", "SERVER", "STATISTICS", "SUBSCRIPTION", "TABLE", "TABLESPACE", "TEXT", "TRANSFORM", "TRIGGER",
            "TYPE", "USER", "VIEW");
    /** Words that may stand between CREATE and the object: CREATE OR REPLACE, CREATE UNIQUE INDEX, CREATE TEMP TABLE … */
    private static final Set<String> CREATE_MODIFIERS = Set.of("OR", "REPLACE", "UNIQUE", "TEMP", "TEMPORARY",
            "UNLOGGED", "GLOBAL", "LOCAL", "RECURSIVE", "CONSTRAINT", "TRUSTED", "PROCEDURAL", "DEFAULT");

    /** Commands whose kind their first word decides. */
    private static final Map<String, StatementKind> BY_FIRST_WORD = byFirstWord(Map.of(
            StatementKind.SELECT, "SELECT VALUES TABLE SHOW EXPLAIN",
            StatementKind.INSERT, "INSERT",
            StatementKind.UPDATE, "UPDATE",
            StatementKind.DELETE, "DELETE",
            StatementKind.MERGE, "MERGE",
            StatementKind.DDL, "COMMENT GRANT REVOKE SECURITY IMPORT REASSIGN",
            StatementKind.OTHER, "TRUNCATE CALL REFRESH",
            StatementKind.UTILITY, "SET RESET LOCK ANALYZE ANALYSE CLUSTER REINDEX DECLARE FETCH"
                    + " MOVE CLOSE"));

    /** Commands refused whatever follows, with the reason (transaction control and the like are refused earlier). */
    private static final Map<String, String> REFUSED = Map.of(
            "DO", "a DO block is code that runs without being a statement the plan can show: what it changes cannot be"
                    + " reviewed, counted or saved; write its statements in the script, or put the code in a function"
                    + " created by a reviewed migration",
            "LOAD", "LOAD brings a shared library into the server session, code no reviewer sees; load it outside this tool",
            "PREPARE", "prepared statements hide the statement that runs from the plan; write the statement itself",
            "EXECUTE", "EXECUTE runs a prepared statement the plan cannot show; write the statement itself",
            "DEALLOCATE", "DEALLOCATE would drop the statements the engine's database driver prepared; scripts need no"
                    + " prepared statements",
            "CHECKPOINT", "CHECKPOINT is server maintenance, not part of a data change; run it outside this tool",
            "NOTIFY", "NOTIFY sends a notification to other sessions, which a rehearsal's rollback or a reversal cannot"
                    + " take back; notify from the application",
            "LISTEN", "LISTEN subscribes the session to notifications, which is no part of a data change",
            "UNLISTEN", "UNLISTEN changes the session's subscriptions, which is no part of a data change");

    private Commands() {
    }

    private static Map<String, StatementKind> byFirstWord(Map<StatementKind, String> wordsByKind) {
        Map<String, StatementKind> kinds = new HashMap<>();
        wordsByKind.forEach((kind, words) -> Arrays.stream(words.split(" ")).forEach(word -> kinds.put(word, kind)));
        return Map.copyOf(kinds);
    }

    /**
     * The kind of a statement from its keywords.
     *
     * @throws Refusal for a command the engine refuses outright, or a first word that starts no PostgreSQL command
     */
    static StatementKind kind(SqlStatement s) {
        String first = s.firstWord();
        if (REFUSED.containsKey(first)) {
            throw new Refusal(REFUSED.get(first), s.line());
        }
        if (first.equals("CREATE") || first.equals("ALTER") || first.equals("DROP")) {
            requireObject(s);
            return StatementKind.DDL;
        }
        if (first.equals("WITH")) {
            return withKind(s);
        }
        if (first.equals("EXPLAIN") && explainsWithAnalyze(s)) {
            throw new Refusal("EXPLAIN ANALYZE runs the statement it explains, outside what the plan shows and rescue"
                    + " saves; use EXPLAIN without ANALYZE, or rehearse the script to see its rows", s.line());
        }
        StatementKind kind = BY_FIRST_WORD.get(first);
        if (kind != null) {
            return kind;
        }
        if (first.isEmpty() && !s.tokens().isEmpty() && s.tokens().get(0).isSymbol("(")) {
            // (SELECT …) UNION (SELECT …): a parenthesised query is a query.
            String inside = firstWordInside(s);
            return inside.equals("SELECT") || inside.equals("VALUES") ? StatementKind.SELECT : unknown(s);
        }
        return unknown(s);
    }

    private static StatementKind unknown(SqlStatement s) {
        String found = s.tokens().isEmpty() ? "" : s.text().substring(0, s.tokens().get(0).end());
        throw new Refusal("'" + found + "' does not start a PostgreSQL command; check the statement for a typo or"
                + " a missing semicolon before it", s.line());
    }

    private static void requireObject(SqlStatement s) {
        List<Token> t = s.tokens();
        int i = 1;
        if (s.firstWord().equals("CREATE")) {
            while (i < t.size() && t.get(i).kind() == Token.Kind.WORD && CREATE_MODIFIERS.contains(t.get(i).text())) {
                i++;
            }
        }
        if (s.firstWord().equals("ALTER") && i < t.size() && (t.get(i).is("DEFAULT") || t.get(i).is("LARGE"))
                || s.firstWord().equals("DROP") && i < t.size() && t.get(i).is("OWNED")) {
            return;
        }
        if (i >= t.size() || t.get(i).kind() != Token.Kind.WORD || !OBJECTS.contains(t.get(i).text())) {
            String found = String.join(" ", s.words().subList(0, Math.min(i + 1, s.words().size())));
            throw new Refusal("'" + found + "' is not a PostgreSQL command; check the object type for a typo", s.line());
        }
    }

    /** A WITH query is what its main statement is: the first command word at parenthesis depth 0 after the WITH list. */
    private static StatementKind withKind(SqlStatement s) {
        for (Token t : s.tokens()) {
            if (t.depth() == 0 && t.kind() == Token.Kind.WORD) {
                switch (t.text()) {
                    case "SELECT", "VALUES", "TABLE" -> {
                        return StatementKind.SELECT;
                    }
                    case "INSERT" -> {
                        return StatementKind.INSERT;
                    }
                    case "UPDATE" -> {
                        return StatementKind.UPDATE;
                    }
                    case "DELETE" -> {
                        return StatementKind.DELETE;
                    }
                    case "MERGE" -> {
                        return StatementKind.MERGE;
                    }
                    default -> {
                    }
                }
            }
        }
        return unknown(s);
    }

    private static String firstWordInside(SqlStatement s) {
        return s.tokens().stream().filter(t -> t.kind() == Token.Kind.WORD).map(Token::text).findFirst().orElse("");
    }

    /** EXPLAIN ANALYZE …, EXPLAIN (ANALYZE) …, EXPLAIN (ANALYZE true, …); not EXPLAIN (ANALYZE false). */
    private static boolean explainsWithAnalyze(SqlStatement s) {
        List<Token> t = s.tokens();
        for (int i = 1; i < t.size(); i++) {
            Token token = t.get(i);
            if (token.is("ANALYZE") || token.is("ANALYSE")) {
                Token next = i + 1 < t.size() ? t.get(i + 1) : null;
                boolean off = next != null && (next.is("FALSE") || next.is("OFF")
                        || next.kind() == Token.Kind.NUMBER && next.text().equals("0"));
                if (!off) {
                    return true;
                }
            } else if (!(token.depth() > 0 || token.isSymbol("(") || token.isSymbol(")") || token.is("VERBOSE"))) {
                return false;
            }
        }
        return false;
    }
}
