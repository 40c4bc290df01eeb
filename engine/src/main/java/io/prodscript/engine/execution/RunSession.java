package io.prodscript.engine.execution;

import io.prodscript.engine.containment.FiringTrigger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The run's connection, inside its transaction. SQL sent through {@link #execute(String)} can be cancelled from
 * another thread; SQL from the script goes through plain JDBC because JDBI would read {@code :name} in the script's
 * text as a parameter.
 */
public final class RunSession {
    private static final int FETCH_SIZE = 1000;

    private final Handle handle;
    private final RunRequest request;
    private volatile Statement current;
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
            current = statement;
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
     * Sends statements together, in one round trip and in order, so nothing else runs on the connection between them.
     * Cancellable like {@link #execute}.
     *
     * @param statements each without its semicolon; it may end in a {@code --} comment
     * @return each statement's rows inserted, updated or deleted (for a query, the rows it returned), in order
     */
    public long[] executeTogether(List<String> statements) throws SQLException {
        try (Statement statement = handle.getConnection().createStatement()) {
            current = statement;
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
        try (Statement statement = handle.getConnection().createStatement()) {
            current = statement;
            throwIfCancelled();
            try (ResultSet resultSet = statement.executeQuery(sql)) {
                List<String> row = new ArrayList<>();
                if (resultSet.next()) {
                    for (int i = 1; i <= resultSet.getMetaData().getColumnCount(); i++) {
                        row.add(resultSet.getString(i));
                    }
                }
                return row;
            }
        } finally {
            current = null;
        }
    }

    void cancel() {
        cancelled = true;
        Statement running = current;
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

    void throwIfCancelled() throws SQLException {
        if (cancelled) {
            throw new SQLException("the run was cancelled", "57014");
        }
    }
}
