package io.prodscript.engine.sql;

import java.util.List;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;

/**
 * Reads the structure of a statement with JSqlParser, for the few things that need more than PostgreSQL's keywords:
 * what rescue must know about an INSERT, UPDATE, DELETE or MERGE (target, alias, assigned columns, conflict action)
 * and the tables a writing WITH or a SELECT names. Planning never depends on it: a statement it cannot read is still
 * classified from its keywords, and only rescue, which needs the structure, refuses it (saying so in a sentence).
 *
 * <p>It parses the statement's {@linkplain SqlStatement#shape() shape}, not its text: constants are placeholders, so
 * JSqlParser never meets the string forms it does not know ({@code E'\''}, {@code U&''}, {@code $$…$$}) and a script
 * of ten thousand statements that differ only in their constants is parsed once. Readings are remembered by shape,
 * on the calling thread, and shared by the planner, the rescue rules and the run; the trees are shared too, so
 * callers must not change them ({@link #parseCopy} gives one to change).
 *
 * <p>Parsing time is bounded by fixed limits on size and nesting, checked before parsing, instead of a clock:
 * JSqlParser's backtracking grows steeply with nesting, and a limit that depends on the machine's load would make
 * the same script pass on one day and fail on the next.
 */
public final class SqlParser {
    /** The longest shape read; longer statements are refused for rescue, with this number in the reason. */
    public static final int MAX_CHARACTERS = 50_000;
    /** The deepest nesting of parentheses read. */
    public static final int MAX_DEPTH = 40;
    /** Nesting up to which JSqlParser's slower backtracking mode is tried when the fast one fails. */
    private static final int MAX_DEPTH_FOR_BACKTRACKING = 4;
    private static final Memo<String, Parse> PARSES = new Memo<>(20_000);

    private SqlParser() {
    }

    /**
     * What reading a statement's structure gave: the parse tree of its shape, or why there is none.
     *
     * @param tree    the tree (shared: do not change it), or null
     * @param problem why the statement could not be read, in words that finish "rescue cannot read this statement: …",
     *                or null
     */
    public record Parse(Statement tree, String problem) {
        public boolean succeeded() {
            return tree != null;
        }
    }

    /** Reads a statement's structure; never throws for a statement it cannot read. */
    public static Parse parse(SqlStatement statement) {
        String limit = overLimit(statement);
        if (limit != null) {
            return new Parse(null, limit);
        }
        String shape = statement.shape();
        if (shape.length() > MAX_CHARACTERS) {
            return new Parse(null, "it is " + shape.length() + " characters long without its constants, more than the "
                    + MAX_CHARACTERS + " that rescue reads");
        }
        return PARSES.get(shape, key -> parseShape(statement, key));
    }

    /** Reads the structure of SQL text that starts at the given script line (the first statement in it). */
    public static Parse parse(String sql, int line) {
        List<SqlStatement> statements = StatementSplitter.split(sql, line);
        return statements.isEmpty() ? new Parse(null, "it is empty") : parse(statements.get(0));
    }

    /**
     * Whether SQL text reads as exactly the statement {@code printed} (a tree printed by JSqlParser): how text cut from a
     * statement by position is proved to mean what the statement's own tree says.
     */
    public static boolean readsAs(String sql, String printed) {
        Statement parsed = parseCopy(sql);
        return parsed != null && parsed.toString().equals(printed);
    }

    /** A fresh tree of the statement's own text (not its shape), which the caller may change; null when unreadable. */
    public static Statement parseCopy(String sql) {
        try {
            return CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(false).Statement();
        } catch (Exception | StackOverflowError e) {
            return null;
        }
    }

    private static String overLimit(SqlStatement statement) {
        if (statement.text().length() > MAX_CHARACTERS * 4) {
            return "it is " + statement.text().length() + " characters long, more than the " + MAX_CHARACTERS * 4
                    + " that rescue reads";
        }
        if (statement.depth() > MAX_DEPTH) {
            return "it nests parentheses " + statement.depth() + " deep, more than the " + MAX_DEPTH + " that rescue reads";
        }
        return null;
    }

    private static Parse parseShape(SqlStatement statement, String shape) {
        Statement tree = attempt(shape, false);
        if (tree == null && statement.depth() <= MAX_DEPTH_FOR_BACKTRACKING) {
            tree = attempt(shape, true);
        }
        if (tree == null) {
            tree = insertQueryInParentheses(statement);
        }
        return tree != null ? new Parse(tree, null)
                : new Parse(null, "JSqlParser, the SQL reader rescue relies on, does not know this form of the statement");
    }

    /**
     * JSqlParser reads {@code INSERT … SELECT … JOIN … ON … ON CONFLICT} as a join with two ON conditions; with the
     * query in parentheses (the same statement to PostgreSQL) it reads it right.
     */
    private static Statement insertQueryInParentheses(SqlStatement statement) {
        List<Token> t = statement.tokens();
        int query = -1;
        for (int i = 1; i + 1 < t.size() && statement.startsWith("INSERT"); i++) {
            Token token = t.get(i);
            if (token.depth() != 0) {
                continue;
            }
            if (query < 0 && (token.is("SELECT") || token.is("WITH"))) {
                query = i;
            } else if (query > 0 && token.is("ON") && t.get(i + 1).is("CONFLICT")) {
                return attempt(statement.shape(query, i), false);
            }
        }
        return null;
    }

    private static Statement attempt(String shape, boolean backtracking) {
        try {
            CCJSqlParser parser = CCJSqlParserUtil.newParser(shape).withAllowComplexParsing(backtracking);
            Statement tree = parser.Statement();
            return tree instanceof UnsupportedStatement ? null : tree;
        } catch (Exception | StackOverflowError e) {
            return null;
        }
    }
}
