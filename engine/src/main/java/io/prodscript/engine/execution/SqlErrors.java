package io.prodscript.engine.execution;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns exceptions into reasons fit for a log, a report and the ledger: the server's message, its SQLSTATE and the
 * objects it names (schema, table, column, constraint, type), never a row value. The server's DETAIL (which quotes
 * keys and failing rows) is never read. In the messages of the classes that quote data (22 data exception, HV foreign
 * data) every quoted token that is not one of the named objects is withheld, as are byte sequences; class 23
 * (integrity) quotes only object names and keeps its values in DETAIL. A message a function raised (classes P0, 38,
 * 39, 2F) may say anything, so only the function's name is kept.
 */
final class SqlErrors {
    private static final Set<String> QUOTING_DATA = Set.of("22", "HV");
    private static final Set<String> RAISED_BY_FUNCTIONS = Set.of("P0", "38", "39", "2F");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"]|\"\")*)\"");
    private static final Pattern BYTES = Pattern.compile("0x[0-9a-fA-F]{2}(?: 0x[0-9a-fA-F]{2})*");
    private static final Pattern FUNCTION = Pattern.compile("(?:PL/pgSQL|SQL) function ([^\\s(]+)\\(");
    private static final String WITHHELD = "(value withheld)";

    private SqlErrors() {
    }

    /** The SQLSTATE of the first {@link SQLException} among the causes, or null. */
    static String sqlState(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    static String describe(Throwable e) {
        Throwable cause = e;
        while (!(cause instanceof SQLException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            return fromServer(psql.getServerErrorMessage());
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().strip();
        if (cause instanceof SQLException sql && sql.getSQLState() != null) {
            // The driver's own conversion errors ("Bad value for type int : …") end with the value.
            if (sql.getSQLState().startsWith("22")) {
                message = message.replaceAll(" : .*$", " : " + WITHHELD);
            }
            return message + " [SQLSTATE " + sql.getSQLState() + "]";
        }
        return message;
    }

    private static String fromServer(ServerErrorMessage server) {
        String state = server.getSQLState() == null ? "" : server.getSQLState();
        String category = state.length() >= 2 ? state.substring(0, 2) : "";
        List<String> objects = new ArrayList<>();
        add(objects, "schema", server.getSchema());
        add(objects, "table", server.getTable());
        add(objects, "column", server.getColumn());
        add(objects, "constraint", server.getConstraint());
        add(objects, "type", server.getDatatype());
        String message = server.getMessage() == null ? "" : server.getMessage();
        if (RAISED_BY_FUNCTIONS.contains(category)) {
            Matcher function = FUNCTION.matcher(server.getWhere() == null ? "" : server.getWhere());
            message = "a function raised an error" + (function.find() ? " (" + function.group(1) + ")" : "")
                    + "; its message is withheld because it may quote row values";
        } else if (QUOTING_DATA.contains(category)) {
            message = withholdValues(message, server);
        }
        String severity = server.getSeverity() == null ? "" : server.getSeverity() + ": ";
        return severity + message + " [SQLSTATE " + state + (objects.isEmpty() ? "" : "; " + String.join(", ", objects)) + "]";
    }

    private static String withholdValues(String message, ServerErrorMessage server) {
        Set<String> names = new HashSet<>();
        for (String name : new String[] {server.getSchema(), server.getTable(), server.getColumn(), server.getConstraint(),
            server.getDatatype()}) {
            if (name != null) {
                names.add(name);
            }
        }
        Matcher quoted = QUOTED.matcher(message);
        StringBuilder kept = new StringBuilder();
        while (quoted.find()) {
            String inside = quoted.group(1).replace("\"\"", "\"");
            quoted.appendReplacement(kept, Matcher.quoteReplacement(names.contains(inside) ? quoted.group() : WITHHELD));
        }
        quoted.appendTail(kept);
        return BYTES.matcher(kept.toString()).replaceAll(WITHHELD);
    }

    private static void add(List<String> objects, String kind, String name) {
        if (name != null && !name.isEmpty()) {
            objects.add(kind + " " + name);
        }
    }
}
