package io.prodscript.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProdscriptCommandTest {
    @Test
    void withoutACommandItShowsTheCommandsAndExitsTwo() {
        Cli.Outcome outcome = Cli.run();

        assertEquals(2, outcome.exitCode(), outcome::toString);
        for (String command : new String[] {"lint", "plan", "rehearse", "demo"}) {
            assertTrue(outcome.err().contains("\n  " + command + " "), () -> command + " missing:\n" + outcome);
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"lint", "plan", "rehearse", "demo"}) {
            Cli.Outcome outcome = Cli.run(command, "--help");

            assertEquals(0, outcome.exitCode(), outcome::toString);
            assertTrue(outcome.out().startsWith("Usage: prodscript " + command), outcome::toString);
        }
    }
}
