package io.prodscript.engine.execution;

import io.prodscript.engine.plan.TableNames;
import io.prodscript.engine.script.Directives;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Evaluates a script's {@code @expect-rows} and {@code @assert} directives after its last statement. */
final class RunChecks {
    private RunChecks() {
    }

    /**
     * @param tableOf the table a name as written resolves to in the run's session (its oid), or empty when it resolves
     *                to none (a table the script dropped): an expectation on {@code accounts} counts the statements
     *                writing the table {@code accounts} resolves to, not a table of that name in another schema
     */
    static List<CheckResult> expectations(Directives directives, List<StatementResult> statements,
                                          Function<String, Optional<Long>> tableOf) {
        List<CheckResult> results = new ArrayList<>();
        for (Directives.RowExpectation expectation : directives.expectedRows()) {
            long rows = statements.stream()
                    .filter(s -> expectation.statement() != null
                            ? s.number() == expectation.statement()
                            : s.kind().changesRows() && s.tables().stream().anyMatch(t -> sameTable(t, expectation.table(), tableOf)))
                    .mapToLong(StatementResult::rows).sum();
            results.add(new CheckResult("expect-rows", expectation.line(),
                    expectation.subject() + " affects " + expectation.range() + " row(s)", expectation.accepts(rows), rows + " row(s)"));
        }
        return results;
    }

    /** By the database's resolution when both names resolve; by name (as the planner matched them) otherwise. */
    private static boolean sameTable(String written, String expected, Function<String, Optional<Long>> tableOf) {
        Optional<Long> writtenTable = tableOf.apply(written);
        Optional<Long> expectedTable = tableOf.apply(expected);
        if (writtenTable.isPresent() && expectedTable.isPresent()) {
            return writtenTable.get().equals(expectedTable.get());
        }
        return TableNames.same(written, expected);
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
