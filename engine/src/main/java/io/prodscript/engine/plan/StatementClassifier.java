package io.prodscript.engine.plan;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.script.Directives;
import io.prodscript.engine.sql.SqlParser;
import io.prodscript.engine.sql.SqlStatement;
import io.prodscript.engine.sql.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Decides a statement's kind and tables from its keywords ({@link Commands}), and applies the rules that do not
 * depend on a database: one transaction ({@link TransactionRules}), engine-owned settings ({@link SettingRules}),
 * the engine's own schemas, full-table changes and destructive statements.
 */
final class StatementClassifier {
    /** The schemas the engine writes: the ledger and the rescue tables. A script must not write them. */
    static final Set<String> ENGINE_SCHEMAS = Set.of("script_runner", "rescue");
    private static final Set<String> DML = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");
    /** Words allowed in a WHERE condition that mentions no column: it is then the same for every row. */
    private static final Set<String> CONSTANT_WORDS = Set.of("TRUE", "FALSE", "NOT", "AND", "OR", "IS", "NULL",
            "UNKNOWN");

    private StatementClassifier() {
    }

    static PlannedStatement classify(int number, SqlStatement s, Directives directives) {
        TransactionRules.check(s);
        SettingRules.check(s);
        StatementKind kind = Commands.kind(s);
        List<String> writtenThroughCte = writtenThroughCte(s, directives);
        if (!writtenThroughCte.isEmpty()) {
            refuseEngineSchemas(s, writtenThroughCte);
            // Rows changed inside WITH are not in the statement's row count, so it cannot be counted as DML.
            return new PlannedStatement(number, s.line(), StatementKind.OTHER, writtenThroughCte, s.text());
        }
        List<String> tables = switch (kind) {
            case INSERT, UPDATE, DELETE, MERGE -> List.of(target(s, kind));
            case SELECT -> selectInto(s);
            case OTHER -> s.startsWith("TRUNCATE") ? truncated(s) : List.of();
            case DDL -> ddlObjects(s);
            case UTILITY -> List.of();
        };
        if (kind == StatementKind.SELECT && !tables.isEmpty()) {
            kind = StatementKind.DDL;
        } else if (kind == StatementKind.SELECT) {
            tables = tablesRead(s);
        }
        if (kind == StatementKind.UPDATE || kind == StatementKind.DELETE) {
            requireCondition(s, kind.name(), topLevelWhere(s, 0), directives);
        }
        refuseEngineSchemas(s, kind == StatementKind.SELECT ? List.of() : tables);
        if (kind == StatementKind.DDL || kind == StatementKind.OTHER || kind == StatementKind.UTILITY
                || locksRows(s)) {
            refuseEngineSchemaMentions(s);
        }
        if (s.startsWith("TRUNCATE") && !directives.allowFullTable()) {
            throw new Refusal("TRUNCATE empties whole tables, and rescue cannot save the rows it removes; to keep a way"
                    + " back write DELETE FROM the table with @allow-full-table in the script's header (rescue saves"
                    + " deleted rows), or add @allow-full-table together with '-- @rescue none: <reason>' or a"
                    + " '-- @revert' section", s.line());
        }
        if (!directives.allowDestructive()) {
            refuseDestructive(s);
        }
        return new PlannedStatement(number, s.line(), kind, tables, s.text());
    }

    /** The table an INSERT, UPDATE, DELETE or MERGE writes, as written: after INTO, UPDATE or FROM (and ONLY). */
    private static String target(SqlStatement s, StatementKind kind) {
        List<Token> t = s.tokens();
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).depth() == 0 && t.get(i).is(kind.name())) {
                return target(s, kind, i);
            }
        }
        throw noTable(s, kind);
    }

    /** The table written by the command whose verb is token {@code verb}. */
    private static String target(SqlStatement s, StatementKind kind, int verb) {
        List<Token> t = s.tokens();
        int name = verb + 1;
        if (kind != StatementKind.UPDATE && name < t.size() && (t.get(name).is("INTO") || t.get(name).is("FROM"))) {
            name++;
        }
        if (name < t.size() && t.get(name).is("ONLY")) {
            name++;
        }
        String written = s.nameAt(name);
        if (written.isEmpty()) {
            throw noTable(s, kind);
        }
        return written;
    }

    private static Refusal noTable(SqlStatement s, StatementKind kind) {
        return new Refusal("the " + kind + " names no table where PostgreSQL expects one; check the statement", s.line());
    }

    /** {@code SELECT … INTO new_table}: creates a table, so it is DDL, not a read. */
    private static List<String> selectInto(SqlStatement s) {
        List<Token> t = s.tokens();
        boolean inSelect = false;
        for (int i = 0; i < t.size(); i++) {
            Token token = t.get(i);
            if (token.depth() != 0) {
                continue;
            }
            if (token.is("SELECT")) {
                inSelect = true;
            } else if (token.is("FROM") || token.is("WHERE")) {
                return List.of();
            } else if (inSelect && token.is("INTO")) {
                int name = i + 1;
                while (name < t.size() && Set.of("TEMPORARY", "TEMP", "UNLOGGED", "TABLE", "LOCAL", "GLOBAL")
                        .contains(t.get(name).text()) && t.get(name).kind() == Token.Kind.WORD) {
                    name++;
                }
                String table = s.nameAt(name);
                return table.isEmpty() ? List.of("?") : List.of(table);
            }
        }
        return List.of();
    }

    private static List<String> truncated(SqlStatement s) {
        List<String> tables = new ArrayList<>();
        List<Token> t = s.tokens();
        int i = 1;
        while (i < t.size()) {
            if (t.get(i).is("TABLE") || t.get(i).is("ONLY") || t.get(i).isSymbol(",") || t.get(i).isSymbol("*")) {
                i++;
            } else if (t.get(i).isName() && !Set.of("RESTART", "CONTINUE", "CASCADE", "RESTRICT").contains(t.get(i).text())) {
                tables.add(s.nameAt(i));
                i = s.nameEnd(i) + 1;
            } else {
                break;
            }
        }
        return tables;
    }

    /** The object a DDL statement defines or changes (for an index, trigger, policy or rule: its table), best effort. */
    private static List<String> ddlObjects(SqlStatement s) {
        List<Token> t = s.tokens();
        Set<String> onTable = Set.of("INDEX", "TRIGGER", "POLICY", "RULE");
        boolean viaOn = s.startsWith("CREATE") && t.stream().limit(5).anyMatch(x -> x.kind() == Token.Kind.WORD
                && onTable.contains(x.text()));
        for (int i = 1; i < t.size(); i++) {
            Token token = t.get(i);
            if (token.depth() != 0 || token.kind() != Token.Kind.WORD) {
                continue;
            }
            if (viaOn) {
                if (token.is("ON")) {
                    int name = i + 1 < t.size() && t.get(i + 1).is("ONLY") ? i + 2 : i + 1;
                    return List.of(s.nameAt(name)).stream().filter(n -> !n.isEmpty()).toList();
                }
            } else if (Set.of("TABLE", "VIEW", "SEQUENCE", "TYPE", "SCHEMA", "FUNCTION", "PROCEDURE", "DOMAIN",
                    "EXTENSION", "INDEX").contains(token.text())) {
                int name = i + 1;
                while (name < t.size() && Set.of("IF", "NOT", "EXISTS", "ONLY").contains(t.get(name).text())
                        && t.get(name).kind() == Token.Kind.WORD) {
                    name++;
                }
                return List.of(s.nameAt(name)).stream().filter(n -> !n.isEmpty()).toList();
            }
        }
        return List.of();
    }

    /** The tables a query reads, for information only: empty when JSqlParser cannot read the query. */
    private static List<String> tablesRead(SqlStatement s) {
        SqlParser.Parse parse = SqlParser.parse(s);
        if (!parse.succeeded()) {
            return List.of();
        }
        try {
            // Sorted, because the finder's set has no stable order and plans must be reproducible.
            return new ArrayList<>(new TreeSet<>(new TablesNamesFinder<>().getTables(parse.tree())));
        } catch (RuntimeException e) {
            // TablesNamesFinder does not handle every construct; for a query the tables are only informational.
            return List.of();
        }
    }

    /**
     * The tables written by data-modifying WITH items ({@code WITH x AS (DELETE …)}), read from the keywords: a
     * command word right inside a parenthesis of the WITH list. An UPDATE or DELETE among them without a condition
     * on rows is refused like a top-level one.
     */
    private static List<String> writtenThroughCte(SqlStatement s, Directives directives) {
        if (!s.startsWith("WITH")) {
            return List.of();
        }
        List<String> tables = new ArrayList<>();
        List<Token> t = s.tokens();
        for (int i = 1; i < t.size(); i++) {
            Token token = t.get(i);
            if (token.depth() == 1 && token.kind() == Token.Kind.WORD && DML.contains(token.text())
                    && t.get(i - 1).isSymbol("(") && t.get(i - 1).depth() == 0) {
                StatementKind kind = StatementKind.valueOf(token.text());
                tables.add(target(s, kind, i));
                if (kind == StatementKind.UPDATE || kind == StatementKind.DELETE) {
                    requireCondition(s, kind.name(), topLevelWhere(s, i), directives);
                }
            } else if (token.depth() == 0 && token.kind() == Token.Kind.WORD && Set.of("SELECT", "VALUES", "TABLE",
                    "INSERT", "UPDATE", "DELETE", "MERGE").contains(token.text()) && i > 1) {
                break;
            }
        }
        return tables;
    }

    /**
     * The tokens of the WHERE condition of the command starting at token {@code from} (at that command's depth), up
     * to RETURNING or the command's end; null when it has no WHERE.
     */
    private static List<Token> topLevelWhere(SqlStatement s, int from) {
        List<Token> t = s.tokens();
        int depth = t.get(from).depth();
        int where = -1;
        for (int i = from; i < t.size() && t.get(i).depth() >= depth; i++) {
            Token token = t.get(i);
            if (token.depth() == depth && token.is("WHERE")) {
                where = i;
            } else if (token.depth() == depth && token.is("RETURNING") && where >= 0) {
                return t.subList(where + 1, i);
            } else if (where >= 0 && i + 1 < t.size() && t.get(i + 1).depth() < depth) {
                return t.subList(where + 1, i + 1);
            }
        }
        return where < 0 ? null : t.subList(where + 1, t.size()).stream()
                .takeWhile(x -> x.depth() >= depth).toList();
    }

    /**
     * UPDATE and DELETE must say which rows they change: a condition that names no column at all (WHERE true,
     * WHERE 1 = 1) selects every row or none, as a missing WHERE does.
     */
    private static void requireCondition(SqlStatement s, String verb, List<Token> where, Directives directives) {
        if (directives.allowFullTable()) {
            return;
        }
        if (where == null) {
            throw new Refusal(verb + " without WHERE changes every row of the table; add a WHERE clause, or"
                    + " @allow-full-table to the script's header if every row is meant", s.line());
        }
        if (where.isEmpty()) {
            throw new Refusal(verb + " … WHERE: the WHERE clause is empty; write the condition that selects the rows",
                    s.line());
        }
        boolean namesSomething = where.stream().anyMatch(t -> t.kind() == Token.Kind.QUOTED
                || t.kind() == Token.Kind.WORD && !CONSTANT_WORDS.contains(t.text()));
        if (!namesSomething) {
            throw new Refusal(verb + " … WHERE " + whereText(s, where) + " does not depend on the rows, so it changes"
                    + " every row of the table (or none); write a condition on the rows, or add @allow-full-table to"
                    + " the script's header if every row is meant", s.line());
        }
    }

    private static String whereText(SqlStatement s, List<Token> where) {
        return where.isEmpty() ? "" : s.text().substring(where.get(0).offset(), where.get(where.size() - 1).end())
                .replaceAll("\\s+", " ");
    }

    /** A script must not be able to rewrite the ledger that records it or the rescue tables that undo it. */
    private static void refuseEngineSchemas(SqlStatement s, List<String> written) {
        for (String table : written) {
            int dot = table.indexOf('.');
            String schema = dot < 0 ? "" : table.substring(0, dot).strip();
            String stored = schema.startsWith("\"") ? schema.replace("\"", "") : schema.toLowerCase(Locale.ROOT);
            if (ENGINE_SCHEMAS.contains(stored)) {
                throw engineSchema(s, stored);
            }
        }
    }

    /**
     * Any mention of an engine schema, also inside the body of a function or procedure the statement defines: a
     * routine the script creates and then calls (acknowledged with {@code @functions-reviewed}) must not reach the
     * ledger either.
     */
    private static void refuseEngineSchemaMentions(SqlStatement s) {
        List<SqlStatement> texts = new ArrayList<>(List.of(s));
        texts.addAll(s.bodyStatements());
        for (SqlStatement text : texts) {
            List<Token> t = text.tokens();
            for (int i = 0; i < t.size(); i++) {
                for (String schema : ENGINE_SCHEMAS) {
                    if (t.get(i).names(schema) && (i + 1 < t.size() && t.get(i + 1).isSymbol(".")
                            || i > 0 && t.get(i - 1).is("SCHEMA"))) {
                        throw engineSchema(s, schema);
                    }
                }
            }
        }
    }

    /**
     * A locking read ({@code FOR UPDATE}, {@code FOR NO KEY UPDATE}, {@code FOR SHARE}, {@code FOR KEY SHARE}) at any
     * depth. Locking ledger rows would hold every other run's ledger write up to its lock timeout, so it is treated as
     * a write to the engine's schemas.
     */
    private static boolean locksRows(SqlStatement s) {
        List<Token> t = s.tokens();
        for (int i = 0; i + 1 < t.size(); i++) {
            Token next = t.get(i + 1);
            if (t.get(i).is("FOR") && (next.is("UPDATE") || next.is("SHARE") || next.is("NO") || next.is("KEY"))) {
                return true;
            }
        }
        return false;
    }

    private static Refusal engineSchema(SqlStatement s, String schema) {
        return new Refusal("this statement writes to the schema " + schema + ", which belongs to the engine (the run"
                + " ledger and the rescue tables); a script must not change the record of runs or the saved rows."
                + " Rescue tables may be read, e.g. in an UPDATE … FROM rescue.…", s.line());
    }

    /** Statements that remove objects or data wholesale need {@code @allow-destructive}. */
    private static void refuseDestructive(SqlStatement s) {
        String what = null;
        if (s.startsWith("DROP")) {
            what = String.join(" ", s.words().subList(0, Math.min(2, s.words().size())));
        } else if (s.startsWith("ALTER") && dropsPart(s)) {
            what = "ALTER … DROP";
        } else if (s.startsWith("TRUNCATE") && s.mentions("CASCADE")) {
            what = "TRUNCATE … CASCADE";
        }
        if (what != null) {
            throw new Refusal(what + " removes objects or data that rescue cannot bring back; add @allow-destructive"
                    + " to the script's header if that is intended", s.line());
        }
    }

    /** ALTER … DROP COLUMN, CONSTRAINT, ATTRIBUTE, …; not DROP NOT NULL, DEFAULT, EXPRESSION or IDENTITY. */
    private static boolean dropsPart(SqlStatement s) {
        List<Token> t = s.tokens();
        for (int i = 0; i + 1 < t.size(); i++) {
            if (t.get(i).depth() == 0 && t.get(i).is("DROP") && !(t.get(i + 1).kind() == Token.Kind.WORD
                    && Set.of("NOT", "DEFAULT", "EXPRESSION", "IDENTITY").contains(t.get(i + 1).text()))) {
                return true;
            }
        }
        return false;
    }
}
