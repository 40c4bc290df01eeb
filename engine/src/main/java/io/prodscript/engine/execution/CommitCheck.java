package io.prodscript.engine.execution;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Finds out, on a new connection, whether a run whose COMMIT went unacknowledged committed: the run's ledger row
 * (written in the same transaction) and {@code pg_xact_status} of its transaction say so. It never guesses: while
 * the transaction is still in progress, or the database cannot be reached, it keeps asking until its patience runs
 * out, and then says it does not know.
 */
final class CommitCheck {
    enum Verdict { COMMITTED, ROLLED_BACK, UNKNOWN }

    private static final Duration PAUSE = Duration.ofMillis(500);

    private final DatabaseTarget target;
    private final Credentials credentials;
    private final String runId;
    private final String transactionId;

    CommitCheck(DatabaseTarget target, Credentials credentials, String runId, String transactionId) {
        this.target = target;
        this.credentials = credentials;
        this.runId = runId;
        this.transactionId = transactionId;
    }

    /**
     * @param onRolledBack called with a handle on the new connection when the transaction was rolled back, to record
     *                     the run's outcome there
     */
    Verdict verdict(Duration patience, Consumer<Handle> onRolledBack) {
        long deadline = System.nanoTime() + patience.toNanos();
        do {
            try (Connection connection = DatabaseConnector.connect(target, credentials, "prodscript commit check " + runId);
                 Handle handle = Jdbi.open(connection)) {
                Map<String, Object> row = handle.createQuery("""
                                SELECT pg_xact_status(CAST(:xid AS xid8)) AS transaction,
                                       (SELECT status FROM script_runner.runs WHERE run_id = :id) AS ledger""")
                        .bind("xid", transactionId).bind("id", runId).mapToMap().one();
                if ("committed".equals(row.get("ledger")) || "committed".equals(row.get("transaction"))) {
                    return Verdict.COMMITTED;
                }
                if ("aborted".equals(row.get("transaction"))) {
                    record(onRolledBack, handle);
                    return Verdict.ROLLED_BACK;
                }
                // 'in progress': the old session has not finished its COMMIT (or noticed it lost its client) yet.
            } catch (SQLException | RuntimeException e) {
                // unreachable for now; ask again until patience runs out
            }
            pause();
        } while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted());
        return Verdict.UNKNOWN;
    }

    /** The verdict stands even when recording it fails: the ledger then keeps the run as running, later interrupted. */
    private static void record(Consumer<Handle> onRolledBack, Handle handle) {
        try {
            onRolledBack.accept(handle);
        } catch (RuntimeException e) {
            // see above
        }
    }

    /** What an operator runs to learn the outcome later. */
    String query() {
        return "SELECT status FROM script_runner.run_history WHERE run_id = '" + runId + "'; -- 'committed': it committed;"
                + " otherwise SELECT pg_xact_status('" + transactionId + "'::xid8); -- committed, aborted or in progress";
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
