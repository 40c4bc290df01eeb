package io.prodscript.engine.execution;

import io.prodscript.engine.containment.FiringTrigger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * The run's connection, inside its transaction. SQL sent through {@link #execute(String)} can be cancelled from
 * another thread; SQL from the script goes through plain JDBC because JDBI would read {@code :name} in the script's
 * text as a parameter.
 */
public final class RunSession {
    private static final int FETCH_SIZE = 1000;

    private final Handle handle;
    private final RunRequest request;
    /** How to cancel what runs now on the server, or null between statements. */
    private volatile Cancellable current;
    private volatile boolean cancelled;
    private List<FiringTrigger> firingTriggers = List.of();

    RunSession(Handle handle, RunRequest request) {
        this.handle = handle;
        this.request = request;
    }

    /** The request being run. */
    public RunRequest request() {
        return request;
    }

    /** The user triggers the script's writes fire, as the run-start checks found them. */
    public List<FiringTrigger> firingTriggers() {
        return firingTriggers;
    }

    void firingTriggers(List<FiringTrigger> triggers) {
        firingTriggers = List.copyOf(triggers);
    }

    /** The JDBI handle on the run's connection, for engine queries with bound parameters. */
    public Handle handle() {
        return handle;
    }

    /**
     * Sends one SQL statement verbatim.
     *
     * @return rows inserted, updated or deleted; for a query, the rows it returned (read in batches, never held)
     */
    public long execute(String sql) throws SQLException {
        try (Statement statement = handle.getConnection().createStatement()) {
            statement.setFetchSize(FETCH_SIZE);
            current = statement::cancel;
            throwIfCancelled();
            boolean returnedRows = statement.execute(sql);
            if (!returnedRows) {
                return Math.max(0, statement.getLargeUpdateCount());
            }
            long rows = 0;
            try (ResultSet resultSet = statement.getResultSet()) {
                while (resultSet.next()) {
                    rows++;
                }
            }
            return rows;
        } finally {
            current = null;
        }
    }

    /**
     * Sends statements as one query message (the simple protocol), in one round trip and in order, so nothing else
     * runs on the connection between them; for a few statements of the engine's own making whose counts it needs (a
     * DELETE and its copy). A script's statements go in rounds through {@link #executeTogether}, which names a failing
     * statement by its position. Cancellable like {@link #execute}.
     *
     * @param statements each without its semicolon; it may end in a {@code --} comment
     * @return each statement's rows inserted, updated or deleted (for a query, the rows it returned), in order
     */
    public long[] executeInOneMessage(List<String> statements) throws SQLException {
        try (Statement statement = handle.getConnection().createStatement()) {
            current = statement::cancel;
            throwIfCancelled();
            long[] rows = new long[statements.size()];
            boolean returnedRows = statement.execute(String.join("\n;\n", statements));
            for (int i = 0; i < rows.length; i++) {
                if (returnedRows) {
                    try (ResultSet resultSet = statement.getResultSet()) {
                        while (resultSet.next()) {
                            rows[i]++;
                        }
                    }
                } else {
                    rows[i] = Math.max(0, statement.getLargeUpdateCount());
                }
                returnedRows = statement.getMoreResults();
            }
            return rows;
        } finally {
            current = null;
        }
    }

    /**
     * Sends one query and returns its first row, each column as text (null stays null). Cancellable like
     * {@link #execute}; meant for engine queries whose answer is a handful of values.
     */
    public List<String> firstRow(String sql) throws SQLException {
        return query(sql, resultSet -> {
            List<String> row = new ArrayList<>();
            if (resultSet.next()) {
                for (int i = 1; i <= resultSet.getMetaData().getColumnCount(); i++) {
                    row.add(resultSet.getString(i));
                }
            }
            return row;
        });
    }

    /** Sends one query and reads its result with {@code reader}; cancellable like {@link #execute}. */
    <T> T query(String sql, ResultReader<T> reader) throws SQLException {
        try (Statement statement = handle.getConnection().createStatement()) {
            current = statement::cancel;
            throwIfCancelled();
            try (ResultSet resultSet = statement.executeQuery(sql)) {
                return reader.read(resultSet);
            }
        } finally {
            current = null;
        }
    }

    /** Reads a query's result while its statement is still open. */
    interface ResultReader<T> {
        T read(ResultSet resultSet) throws SQLException;
    }

    /**
     * Sends several statements in one round trip ({@link StatementPipeline}); cancellable like {@link #execute}.
     * Each must be one SQL statement that returns no rows.
     */
    StatementPipeline.Answers executeTogether(List<String> sqls) throws SQLException {
        Connection connection = handle.getConnection();
        // A cancel request reaches whatever the session runs: here, the statement of the round running on the server.
        PGConnection server = connection.unwrap(PGConnection.class);
        try {
            current = server::cancelQuery;
            throwIfCancelled();
            return StatementPipeline.send(connection, sqls);
        } finally {
            current = null;
        }
    }

    void cancel() {
        cancelled = true;
        Cancellable running = current;
        if (running != null) {
            try {
                running.cancel();
            } catch (SQLException e) {
                // The statement finished meanwhile; the flag stops the run before the next one.
            }
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    /** A statement, or the session's whole round of statements, that can be cancelled on the server. */
    private interface Cancellable {
        void cancel() throws SQLException;
    }

    void throwIfCancelled() throws SQLException {
        if (cancelled) {
            throw new SQLException("the run was cancelled", "57014");
        }
    }
}
