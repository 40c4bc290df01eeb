package io.prodscript.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
    @Test
    void walksThroughEveryStepOnItsOwnDatabase() {
        Cli.Outcome outcome = Cli.run("demo");

        assertEquals(0, outcome.exitCode(), outcome::toString);
        assertEquals("", outcome.err());
        List<String> expectedInOrder = List.of(
                "== 1. Start a throwaway PostgreSQL",
                "303 customers (303 active), 800 orders, 60 of them pending for more than 30 days.",
                "  #1 (line 9) UPDATE orders\n",
                "REFUSED " + DemoCommand.UNSAFE + ": line 5: DELETE without WHERE",
                "Rehearsal succeeded and was rolled back: 60 row(s) would change",
                "Stale pending orders after the rehearsal: 60, unchanged.",
                "Committed: 60 row(s) changed",
                "Rescue saved statement 1's 60 row(s) of public.orders in rescue.",
                "Stale pending orders after the run: 0.",
                "Refused, nothing ran: this exact script",
                "== 8. Undo the run",
                "(setting, changes no data: SET LOCAL enable_hashjoin = off)",
                "UPDATE public.orders AS live SET",
                "Committed: 60 row(s) changed",
                "Stale pending orders after the reversal: 60, as before the run.",
                "FAILED @expect-rows (line 3): statement 1 affects 1..5 row(s) — found 291 row(s)",
                "Active customers after the failed run: 303, unchanged.",
                "run       failed           0  " + DemoCommand.LOAD_TEST,
                "run       committed       60  reversal-of-",
                "run       refused          0  " + DemoCommand.CANCEL_ORDERS,
                "run       reverted        60  " + DemoCommand.CANCEL_ORDERS,
                "rehearse  rehearsed       60  " + DemoCommand.CANCEL_ORDERS);
        assertTrue(!outcome.out().contains("UTILITY\n      SET LOCAL"), "the reversal's setting is not a statement to review");
        int from = 0;
        for (String expected : expectedInOrder) {
            int at = outcome.out().indexOf(expected, from);
            assertTrue(at >= 0, () -> "missing, or out of order: " + expected + "\n" + outcome);
            from = at + expected.length();
        }
    }
}
