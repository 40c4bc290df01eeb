package io.prodscript.engine.execution;

import io.prodscript.engine.plan.PlannedStatement;
import java.sql.SQLException;

/**
 * Runs one planned statement inside the run's transaction and says how many rows it affected. This is the seam where
 * work around a statement (such as saving the rows it will change) plugs in; the default simply runs it.
 */
@FunctionalInterface
public interface StatementRunner {
    StatementRunner PLAIN = (statement, session) -> session.execute(statement.sql());

    long run(PlannedStatement statement, RunSession session) throws SQLException;
}
