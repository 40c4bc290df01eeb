package io.prodscript.engine.execution;

import io.prodscript.engine.plan.TableNames;
import io.prodscript.engine.script.Directives;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Evaluates a script's {@code @expect-rows} and {@code @assert} directives after its last statement. */
final class RunChecks {
    private RunChecks() {
    }

    static List<CheckResult> expectations(Directives directives, List<StatementResult> statements) {
        List<CheckResult> results = new ArrayList<>();
        for (Directives.RowExpectation expectation : directives.expectedRows()) {
            long rows = statements.stream()
                    .filter(s -> expectation.statement() != null
                            ? s.number() == expectation.statement()
                            : s.kind().changesRows() && s.tables().stream().anyMatch(t -> TableNames.same(t, expectation.table())))
                    .mapToLong(StatementResult::rows).sum();
            results.add(new CheckResult("expect-rows", expectation.line(),
                    expectation.subject() + " affects " + expectation.range() + " row(s)", expectation.accepts(rows), rows + " row(s)"));
        }
        return results;
    }

    /** Runs one assertion; it passes only when it returns exactly one row holding {@code true}. */
    static CheckResult assertion(Directives.Assertion assertion, RunSession session) throws SQLException {
        // Through the session, so that a cancel reaches a long assertion as it reaches a statement.
        return session.query(assertion.sql(), rs -> {
            String actual;
            boolean passed = false;
            // The driver reports bit(1) as Types.BIT too, so the server's own type name decides.
            if (rs.getMetaData().getColumnCount() != 1 || !"bool".equals(rs.getMetaData().getColumnTypeName(1))) {
                actual = "not a single boolean column";
            } else if (!rs.next()) {
                actual = "no row";
            } else {
                boolean value = rs.getBoolean(1);
                boolean isNull = rs.wasNull();
                if (rs.next()) {
                    actual = "more than one row";
                } else {
                    actual = isNull ? "null" : String.valueOf(value);
                    passed = !isNull && value;
                }
            }
            return new CheckResult("assert", assertion.line(), assertion.sql(), passed, actual);
        });
    }
}
