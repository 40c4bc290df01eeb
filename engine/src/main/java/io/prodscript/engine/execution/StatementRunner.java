package io.prodscript.engine.execution;

import io.prodscript.engine.plan.PlannedStatement;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Runs one planned statement inside the run's transaction and says how many rows it affected. This is the seam where
 * work around a statement (such as saving the rows it will change) plugs in; the default simply runs it.
 *
 * <p>A runner may keep state for one run: the engine creates one per {@link Execution}. Its hooks are called in this
 * order, all inside the run's transaction: {@link #refusalBeforeStatements}, {@link #run} for each statement,
 * {@link #beforeCommit} (only for a run that is about to commit), and {@link #rescue} while the result is built.
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

    /** Called after every statement and check passed, just before a run (never a rehearsal) commits. */
    default void beforeCommit(RunSession session) throws SQLException {
    }

    /** What the runner saved to undo the run, for the result; null when it saves nothing. */
    default RunResult.Rescue rescue() {
        return null;
    }
}
