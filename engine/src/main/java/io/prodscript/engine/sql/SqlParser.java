package io.prodscript.engine.sql;

import io.prodscript.engine.Refusal;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;

/**
 * Parses one statement with JSqlParser. A statement it cannot understand is refused with the parser's reason: the
 * engine never runs SQL it could not classify.
 */
public final class SqlParser {
    /** JSqlParser runs each parse on an executor so it can time out; one shared daemon thread serves all parses. */
    private static final ExecutorService PARSER_THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "prodscript-sql-parser");
        t.setDaemon(true);
        return t;
    });

    private SqlParser() {
    }

    /**
     * @throws Refusal naming the statement's line and the parser's reason when the statement is not understood
     */
    public static Statement parse(SqlStatement statement) {
        return parse(statement.text(), statement.line());
    }

    /**
     * Parses SQL text that starts at the given script line.
     *
     * @throws Refusal naming the line and the parser's reason when the text is not understood
     */
    public static Statement parse(String sql, int line) {
        Statement parsed;
        try {
            parsed = CCJSqlParserUtil.parse(sql, PARSER_THREAD, parser -> parser.withTimeOut(10_000));
        } catch (JSQLParserException e) {
            throw new Refusal("the SQL parser cannot understand this statement: " + reason(e), line);
        }
        if (parsed == null || parsed instanceof UnsupportedStatement) {
            throw new Refusal("the SQL parser cannot understand this statement", line);
        }
        return parsed;
    }

    private static String reason(JSQLParserException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        // JSqlParser appends a long list of expected tokens; the first line says what went wrong and where.
        int newline = message.indexOf('\n');
        return (newline > 0 ? message.substring(0, newline) : message).strip();
    }
}
