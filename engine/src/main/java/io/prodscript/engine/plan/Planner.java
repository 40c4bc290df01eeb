package io.prodscript.engine.plan;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.script.Directives;
import io.prodscript.engine.script.DirectiveParser;
import io.prodscript.engine.script.Script;
import io.prodscript.engine.script.ScriptSections;
import io.prodscript.engine.sql.SqlStatement;
import io.prodscript.engine.sql.StatementSplitter;
import java.util.ArrayList;
import java.util.List;

/** Turns a script into a {@link Plan}, or refuses it with the line that is wrong. Touches no database. */
public final class Planner {
    private Planner() {
    }

    /**
     * @throws Refusal for bad directives, statements that are not PostgreSQL commands or cannot run safely in one
     *                 transaction, or a script with no statements
     */
    public static Plan plan(Script script) {
        ScriptSections sections = DirectiveParser.parse(script.text());
        Directives directives = sections.directives();
        List<SqlStatement> sources = StatementSplitter.split(sections.body(), 1);
        if (sources.isEmpty()) {
            throw new Refusal("script " + script.path() + " contains no SQL statements");
        }
        List<PlannedStatement> statements = new ArrayList<>();
        for (SqlStatement source : sources) {
            statements.add(StatementClassifier.classify(statements.size() + 1, source, directives));
        }
        checkExpectations(directives, statements);
        checkAssertions(directives);
        if (sections.revert() != null) {
            // The reversal is held to the same rules as the script: it runs as a script of its own.
            List<SqlStatement> revert = StatementSplitter.split(sections.revert(), sections.revertLine());
            for (int i = 0; i < revert.size(); i++) {
                StatementClassifier.classify(i + 1, revert.get(i), directives);
            }
        }
        return new Plan(script.path(), script.checksum(), directives, statements, sections.revert());
    }

    private static void checkExpectations(Directives directives, List<PlannedStatement> statements) {
        for (Directives.RowExpectation expectation : directives.expectedRows()) {
            if (expectation.statement() != null && expectation.statement() > statements.size()) {
                throw new Refusal("@expect-rows names statement " + expectation.statement() + " but the script has "
                        + statements.size(), expectation.line());
            }
            if (expectation.table() != null && statements.stream().noneMatch(s -> s.kind().changesRows()
                    && s.tables().stream().anyMatch(t -> TableNames.same(t, expectation.table())))) {
                throw new Refusal("@expect-rows names table " + expectation.table()
                        + " but no INSERT, UPDATE or DELETE writes it", expectation.line());
            }
        }
    }

    /**
     * An assertion runs after the script's changes and must only read: it is a question, not a change. It is held to
     * the statements' rules (settings, one transaction) and must be a query that creates and writes nothing.
     */
    private static void checkAssertions(Directives directives) {
        for (Directives.Assertion assertion : directives.assertions()) {
            List<SqlStatement> parts = StatementSplitter.split(assertion.sql(), assertion.line());
            if (parts.size() != 1) {
                throw new Refusal("@assert must be one query, without semicolons between statements", assertion.line());
            }
            PlannedStatement check = StatementClassifier.classify(1, parts.get(0), directives);
            if (check.kind() != StatementKind.SELECT) {
                throw new Refusal("@assert must be a SELECT returning one boolean; this one is " + check.kind()
                        + (check.kind() == StatementKind.DDL ? " (SELECT … INTO creates a table)" : ""), assertion.line());
            }
        }
    }
}
