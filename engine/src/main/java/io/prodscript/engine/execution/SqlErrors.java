package io.prodscript.engine.execution;

import java.sql.SQLException;

/** Turns exceptions into reasons fit for a log: the SQL state and the server's message, never its DETAIL. */
final class SqlErrors {
    private SqlErrors() {
    }

    static String describe(Throwable e) {
        Throwable cause = e;
        while (!(cause instanceof SQLException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().strip();
        if (cause instanceof SQLException sql && sql.getSQLState() != null) {
            return message + " [SQLSTATE " + sql.getSQLState() + "]";
        }
        return message;
    }
}
