package io.prodscript.engine.plan;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.script.Directives;
import io.prodscript.engine.script.DirectiveParser;
import io.prodscript.engine.script.Script;
import io.prodscript.engine.script.ScriptSections;
import io.prodscript.engine.sql.SqlParser;
import io.prodscript.engine.sql.SqlStatement;
import io.prodscript.engine.sql.StatementSplitter;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.statement.select.Select;

/** Turns a script into a {@link Plan}, or refuses it with the line that is wrong. Touches no database. */
public final class Planner {
    private Planner() {
    }

    /**
     * @throws Refusal for bad directives, statements that cannot run safely in one transaction, statements the
     *                 parser does not understand, or a script with no statements
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
            TransactionRules.check(source, directives);
            statements.add(StatementClassifier.classify(statements.size() + 1, source, directives));
        }
        checkExpectations(directives, statements);
        checkAssertions(directives);
        if (sections.revert() != null) {
            for (SqlStatement source : StatementSplitter.split(sections.revert(), sections.revertLine())) {
                TransactionRules.check(source, directives);
                SqlParser.parse(source);
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

    /** An assertion runs after the script's changes and must only read: it is a question, not a change. */
    private static void checkAssertions(Directives directives) {
        for (Directives.Assertion assertion : directives.assertions()) {
            if (!(SqlParser.parse(assertion.sql(), assertion.line()) instanceof Select select)
                    || StatementClassifier.writesThroughCte(select)) {
                throw new Refusal("@assert must be a SELECT returning one boolean", assertion.line());
            }
        }
    }
}
