package io.prodscript.engine.execution;

import io.prodscript.engine.plan.PlannedStatement;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Runs one planned statement inside the run's transaction and says how many rows it affected. This is the seam where
 * work around a statement (such as saving the rows it will change) plugs in; the default simply runs it.
 *
 * <p>A runner may keep state for one run: the engine creates one per {@link Execution}. Its hooks are called in this
 * order, all inside the run's transaction: {@link #refusalBeforeStatements}, for each statement either {@link #run}
 * or {@link #sentTogether} then {@link #ranTogether}, {@link #beforeCommit} (only for a run that is about to commit),
 * and {@link #rescue} while the result is built.
 */
@FunctionalInterface
public interface StatementRunner {
    StatementRunner PLAIN = (statement, session) -> session.execute(statement.sql());

    long run(PlannedStatement statement, RunSession session) throws SQLException;

    /**
     * Called once before the first statement. A reason returned here ends the run as {@link RunStatus#REFUSED},
     * rolled back, before any statement of the script has run.
     */
    default Optional<Failure> refusalBeforeStatements(RunSession session) throws SQLException {
        return Optional.empty();
    }

    /**
     * The SQL to send for this statement when it may go to the server in one round trip with the statements around
     * it, or null when it must run alone through {@link #run}. A statement may go with others only when the runner
     * needs nothing sent or read between it and its neighbours: no query before it, and no result before the next is
     * sent (its row count comes later through {@link #ranTogether}). The SQL must be one statement returning no rows.
     * The engine asks in statement order before sending, and may ask again about a statement it did not send yet, so
     * the answer must not depend on being asked.
     */
    default String sentTogether(PlannedStatement statement, RunSession session) {
        return null;
    }

    /** The row count of a statement sent through {@link #sentTogether}, in statement order, once it succeeded. */
    default void ranTogether(PlannedStatement statement, long rows) {
    }

    /** Called after every statement and check passed, just before a run (never a rehearsal) commits. */
    default void beforeCommit(RunSession session) throws SQLException {
    }

    /** What the runner saved to undo the run, for the result; null when it saves nothing. */
    default RunResult.Rescue rescue() {
        return null;
    }
}
