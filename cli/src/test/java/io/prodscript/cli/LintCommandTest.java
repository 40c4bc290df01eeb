package io.prodscript.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintCommandTest {
    private static final String ROOT = Cli.REPOSITORY.toString();

    @Test
    void everySafeExampleIsAccepted() throws IOException {
        List<String> examples;
        try (Stream<Path> files = Files.list(Cli.REPOSITORY.resolve("examples"))) {
            examples = files.filter(f -> f.toString().endsWith(".sql")).map(f -> "examples/" + f.getFileName()).sorted().toList();
        }
        assertEquals(4, examples.size(), examples::toString);

        String[] args = Stream.concat(Stream.of("lint", "--root", ROOT), examples.stream()).toArray(String[]::new);
        Cli.Outcome outcome = Cli.run(args);

        assertEquals(0, outcome.exitCode(), outcome::toString);
        assertEquals(examples.stream().map(e -> "OK " + e).toList(),
                outcome.out().lines().map(l -> l.substring(0, l.indexOf(':'))).toList());
    }

    @Test
    void anAbsolutePathInsideTheRootIsTheRelativePathItIs() {
        Cli.Outcome outcome = Cli.run("lint", "--root", ROOT, Cli.REPOSITORY.resolve(DemoCommand.CANCEL_ORDERS).toString());

        assertEquals(0, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.out().startsWith("OK " + DemoCommand.CANCEL_ORDERS + ": 1 statement(s)"), outcome::toString);
    }

    @Test
    void theUnsafeExampleIsRefusedWithItsLine() {
        Cli.Outcome outcome = Cli.run("lint", "--root", ROOT, DemoCommand.UNSAFE);

        assertEquals(1, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.out().startsWith("REFUSED " + DemoCommand.UNSAFE + ": line 5: DELETE without WHERE"), outcome::toString);
    }

    @Test
    void oneRefusedScriptAmongGoodOnesFailsTheLint() {
        Cli.Outcome outcome = Cli.run("lint", "--root", ROOT, DemoCommand.CANCEL_ORDERS, DemoCommand.UNSAFE);

        assertEquals(1, outcome.exitCode(), outcome::toString);
        List<String> lines = outcome.out().lines().toList();
        assertEquals(2, lines.size(), outcome::toString);
        assertTrue(lines.get(0).startsWith("OK " + DemoCommand.CANCEL_ORDERS), outcome::toString);
        assertTrue(lines.get(1).startsWith("REFUSED " + DemoCommand.UNSAFE), outcome::toString);
    }

    @Test
    void aPathLeavingTheCheckoutIsRefused() {
        Cli.Outcome outcome = Cli.run("lint", "--root", Cli.REPOSITORY.resolve("examples").toString(),
                "../examples/2026-03-01-cancel-abandoned-orders.sql");

        assertEquals(1, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.out().contains("leaves the checkout"), outcome::toString);
    }

    @Test
    void scriptsAreCheckedWithRescueAsJenkinsChecksThem(@TempDir Path checkout) throws IOException {
        Files.writeString(checkout.resolve("truncate.sql"), "-- @allow-full-table\nTRUNCATE orders;\n");
        Files.writeString(checkout.resolve("truncate-without-way-back.sql"),
                "-- @allow-full-table\n-- @rescue none: the orders are reloaded from the warehouse tonight\nTRUNCATE orders;\n");

        Cli.Outcome outcome = Cli.run("lint", "--root", checkout.toString(), "truncate.sql", "truncate-without-way-back.sql");

        assertEquals(1, outcome.exitCode(), outcome::toString);
        List<String> lines = outcome.out().lines().toList();
        assertTrue(lines.get(0).startsWith("REFUSED truncate.sql: line 2: statement 1 (OTHER orders) cannot be saved for a reversal"),
                outcome::toString);
        assertEquals("OK truncate-without-way-back.sql: 1 statement(s)", lines.get(1));
    }

    @Test
    void withoutAScriptItIsAUsageError() {
        Cli.Outcome outcome = Cli.run("lint");

        assertEquals(2, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.err().contains("Missing required parameter"), outcome::toString);
    }
}
