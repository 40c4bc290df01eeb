package io.prodscript.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.report.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PlanCommandTest {
    private static final String ROOT = Cli.REPOSITORY.toString();
    private static final String ADD_NOTES = "examples/2026-03-03-add-order-notes.sql";

    @Test
    void showsDirectivesStatementsAndTheReversal() {
        Cli.Outcome outcome = Cli.run("plan", "--root", ROOT, ADD_NOTES);

        assertEquals(0, outcome.exitCode(), outcome::toString);
        String out = outcome.out();
        assertTrue(out.startsWith(ADD_NOTES + "\n"), out);
        assertTrue(out.contains("  ticket             OPS-1431\n"), out);
        assertTrue(out.contains("  lock timeout       2s\n"), out);
        assertTrue(out.contains("  expect rows        statement 2: 1.. row(s)   (line 3)\n"), out);
        assertTrue(out.contains("2 statement(s), run in order in one transaction:\n"), out);
        assertTrue(out.contains("  #1 (line 11) DDL orders\n      ALTER TABLE orders ADD COLUMN note text\n"), out);
        assertTrue(out.contains("  #2 (line 13) UPDATE orders\n"), out);
        assertTrue(out.contains("Reversal (-- @revert), not run by this plan:\n      ALTER TABLE orders DROP COLUMN note;\n"), out);
    }

    @Test
    void jsonIsTheEnginesPlan() {
        Cli.Outcome outcome = Cli.run("plan", "--root", ROOT, "--json", DemoCommand.CANCEL_ORDERS);

        assertEquals(0, outcome.exitCode(), outcome::toString);
        ScriptEngine engine = ScriptEngine.create();
        Plan expected = engine.plan(engine.read(Cli.REPOSITORY, DemoCommand.CANCEL_ORDERS));
        assertEquals(expected, Json.read(outcome.out(), Plan.class));
    }

    @Test
    void aRefusedScriptExitsOneWithTheReasonAndLine() {
        Cli.Outcome outcome = Cli.run("plan", "--root", ROOT, DemoCommand.UNSAFE);

        assertEquals(1, outcome.exitCode(), outcome::toString);
        assertEquals("", outcome.out());
        assertTrue(outcome.err().startsWith("REFUSED " + DemoCommand.UNSAFE + ": line 5: "), outcome::toString);
    }

    @Test
    void durationsReadAsTheyAreWritten() {
        assertEquals("500ms", PlanPrinter.durationText(Duration.ofMillis(500)));
        assertEquals("90s", PlanPrinter.durationText(Duration.ofSeconds(90)));
        assertEquals("5min", PlanPrinter.durationText(Duration.ofMinutes(5)));
        assertEquals("2h", PlanPrinter.durationText(Duration.ofHours(2)));
        assertEquals("7d", PlanPrinter.durationText(Duration.ofDays(7)));
    }
}
