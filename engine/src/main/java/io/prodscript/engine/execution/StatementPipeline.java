package io.prodscript.engine.execution;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Query;
import org.postgresql.core.QueryExecutor;
import org.postgresql.core.ResultHandlerBase;

/**
 * Sends consecutive statements in one round trip and reads back each one's row count, in order: PostgreSQL runs them
 * one after the other as they arrive, without waiting for the client between them. One answer per statement, up to
 * the first that failed.
 *
 * <p>Why not JDBC's own batch ({@code Statement.addBatch}/{@code executeBatch}), which sends the same messages: when an
 * entry fails inside a transaction, pgjdbc marks every entry of the batch {@code EXECUTE_FAILED} (it keeps the counts
 * of entries already committed, and inside a transaction none is) and names the failing entry only in its translated
 * message text. A run must name the statement that failed and report the rows of each statement before it, so this
 * reads the answers itself through pgjdbc's query executor, with a handler that counts them as they come.
 *
 * <p>What stays as it is when each statement is sent alone:
 * <ul>
 *   <li>{@code statement_timeout} applies to each statement: in PostgreSQL's extended protocol the timer starts when a
 *       statement's first message is read and stops when its Execute completes; {@code lock_timeout} applies to each
 *       lock wait anyway.</li>
 *   <li>A failing statement ends the round: PostgreSQL skips everything after an error until the closing Sync, and
 *       pgjdbc sends nothing more once it has read an error. The transaction is then aborted; the run rolls it back.</li>
 *   <li>Each statement is its own query: the texts are joined and split again by pgjdbc's parser, and the round is
 *       refused (before anything is sent) unless that gives back exactly as many statements.</li>
 *   <li>{@code reWriteBatchedInserts} only rewrites a prepared statement's batch of parameter sets; one execution of
 *       text, as here, is never rewritten (and the engine does not set it).</li>
 * </ul>
 */
final class StatementPipeline {
    /** pgjdbc's flags for a statement batch of text: no result rows expected, no metadata, nothing kept prepared. */
    private static final int FLAGS = QueryExecutor.QUERY_NO_RESULTS | QueryExecutor.QUERY_NO_METADATA | QueryExecutor.QUERY_ONESHOT;
    /**
     * Between two statements' texts: a line break first, so a statement ending in a {@code --} comment does not
     * comment out the semicolon.
     */
    private static final String SEPARATOR = "\n;\n";

    private StatementPipeline() {
    }

    /**
     * What came back.
     *
     * @param rows      rows each statement inserted, updated or deleted, for the first {@code answered} statements
     * @param answered  how many statements succeeded, in order
     * @param failure   the error of statement {@code answered} (0-based), or null when all succeeded
     */
    record Answers(long[] rows, int answered, SQLException failure) {
    }

    /** Sends the statements (each one SQL statement returning no rows) in one round trip. */
    static Answers send(Connection connection, List<String> statements) throws SQLException {
        QueryExecutor executor = connection.unwrap(BaseConnection.class).getQueryExecutor();
        Query query = executor.createSimpleQuery(String.join(SEPARATOR, statements));
        try {
            Query[] parts = query.getSubqueries();
            int count = parts == null ? 1 : parts.length;
            if (count != statements.size()) {
                throw new IllegalStateException("the driver reads " + statements.size() + " statement(s) sent together as "
                        + count + "; nothing was sent");
            }
            Counter counter = new Counter(statements.size());
            try {
                executor.execute(query, null, counter, 0, 0, FLAGS);
            } catch (SQLException e) {
                // The handler holds the first error; the executor rethrows it, or throws for the connection itself.
                if (counter.getException() == null) {
                    throw e;
                }
            }
            SQLException failure = counter.getException();
            if (failure == null && counter.answered != statements.size()) {
                throw new IllegalStateException(counter.answered + " answer(s) came back for " + statements.size() + " statement(s)");
            }
            return new Answers(counter.rows, counter.answered, failure);
        } finally {
            query.close();
        }
    }

    /** Counts the answers: one command status per statement that succeeded, then at most the first error. */
    private static final class Counter extends ResultHandlerBase {
        private final long[] rows;
        private int answered;

        Counter(int statements) {
            rows = new long[statements];
        }

        @Override
        public void handleCommandStatus(String status, long updateCount, long insertOID) {
            if (getException() == null && answered < rows.length) {
                rows[answered++] = Math.max(0, updateCount);
            }
        }
    }
}
