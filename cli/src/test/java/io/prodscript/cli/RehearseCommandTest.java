package io.prodscript.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.report.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RehearseCommandTest {
    private static final String ROOT = Cli.REPOSITORY.toString();
    private static final PasswordSource PASSWORD = new PasswordSource(Map.of(PasswordSource.ENVIRONMENT_VARIABLE, "postgres"), () -> null);

    private static DemoDatabase database;

    @BeforeAll
    static void startDatabase() throws IOException, SQLException {
        database = DemoDatabase.start();
        database.load(Cli.REPOSITORY.resolve(DemoCommand.SHOP));
        ScriptEngine.create().install(database.target(), database.credentials());
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        database.close();
    }

    private static Cli.Outcome rehearse(PasswordSource passwords, String... args) {
        CommandLine commandLine = new CommandLine(new RehearseCommand(passwords));
        String[] all = new String[args.length + 6];
        System.arraycopy(new String[] {"--root", ROOT, "--url", database.target().jdbcUrl(), "--user", "postgres"}, 0, all, 0, 6);
        System.arraycopy(args, 0, all, 6, args.length);
        return Cli.run(commandLine, all);
    }

    private static Cli.Outcome rehearse(String... args) {
        return rehearse(PASSWORD, args);
    }

    @Test
    void rehearsalReportsWhatWouldChangeAndLeavesTheDataAsItWas() throws SQLException {
        String before = databaseContents();

        Cli.Outcome outcome = rehearse(DemoCommand.CANCEL_ORDERS);

        assertEquals(0, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.out().startsWith("Rehearsing " + DemoCommand.CANCEL_ORDERS), outcome::toString);
        assertTrue(outcome.out().contains("#1 (line 9) UPDATE orders: 60 row(s) in "), outcome::toString);
        assertEquals(1, outcome.out().split("#1 \\(line 9\\) UPDATE orders", -1).length - 1, () -> "each statement once: " + outcome);
        assertTrue(outcome.out().contains("passed @assert (line 4)"), outcome::toString);
        assertTrue(outcome.out().contains("Rehearsal succeeded and was rolled back: 60 row(s) would change\n"
                + "Rescue: reversal generated from the rescue tables; rescue tables kept until "), outcome::toString);
        assertTrue(outcome.out().contains("  #1 (line 9) UPDATE public.orders: 60 row(s) as they were saved in rescue."),
                outcome::toString);
        assertEquals(before, databaseContents());
        assertEquals(0, ledgerCount("status = 'committed'"));
    }

    @Test
    void jsonPutsTheResultOnStandardOutputAndTheProgressOnStandardError() throws SQLException, IOException {
        Cli.Outcome outcome = rehearse("--json", "--target-name", "shop-staging", DemoCommand.CANCEL_ORDERS);

        assertEquals(0, outcome.exitCode(), outcome::toString);
        JsonNode result = Json.mapper().readTree(outcome.out());
        assertEquals("REHEARSED", result.get("status").asText());
        assertEquals("shop-staging", result.get("target").asText());
        assertEquals(60, result.get("rowsChanged").asLong());
        assertTrue(outcome.err().contains("Rehearsal succeeded and was rolled back"), outcome::toString);
        assertEquals(1, ledgerCount("run_id = '" + result.get("runId").asText() + "' AND mode = 'rehearse' AND status = 'rehearsed'"));
    }

    @Test
    void aFailedCheckExitsOneAndLeavesTheDataAsItWas() throws SQLException {
        String before = databaseContents();

        Cli.Outcome outcome = rehearse(DemoCommand.LOAD_TEST);

        assertEquals(1, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.out().contains("FAILED @expect-rows (line 3)"), outcome::toString);
        assertEquals(before, databaseContents());
    }

    @Test
    void aRefusedScriptNeverReachesTheDatabase() throws SQLException {
        long ledgerRows = ledgerCount("true");

        Cli.Outcome outcome = rehearse(DemoCommand.UNSAFE);

        assertEquals(1, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.err().startsWith("REFUSED " + DemoCommand.UNSAFE + ": line 5: "), outcome::toString);
        assertEquals(ledgerRows, ledgerCount("true"));
    }

    @Test
    void withoutPasswordVariableOrTerminalItStops() {
        Cli.Outcome outcome = rehearse(new PasswordSource(Map.of(), () -> null), DemoCommand.CANCEL_ORDERS);

        assertEquals(1, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.err().contains("set PRODSCRIPT_PASSWORD"), outcome::toString);
    }

    @Test
    void anUnreachableDatabaseIsReportedAsAFailureWhereNothingRanNorWasRolledBack() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CommandLine commandLine = new CommandLine(new RehearseCommand(PASSWORD));

        Cli.Outcome outcome = Cli.run(commandLine, "--root", ROOT, "--url", "jdbc:postgresql://localhost:" + closedPort + "/shop",
                "--user", "postgres", DemoCommand.CANCEL_ORDERS);

        assertEquals(1, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.out().startsWith("Did not start, nothing ran: database error: "), outcome::toString);
        assertFalse(outcome.out().contains("rolled back"), outcome::toString);
        assertFalse(outcome.out().contains("Rescue:"), outcome::toString);
    }

    @Test
    void aUrlWithAPasswordIsAUsageError() {
        CommandLine commandLine = new CommandLine(new RehearseCommand(PASSWORD));

        Cli.Outcome outcome = Cli.run(commandLine, "--root", ROOT, "--url", "jdbc:postgresql://db/shop?password=secret",
                "--user", "postgres", DemoCommand.CANCEL_ORDERS);

        assertEquals(2, outcome.exitCode(), outcome::toString);
        assertTrue(outcome.err().contains("must not contain a password"), outcome::toString);
    }

    @Test
    void theDefaultTargetNameIsHostPortAndDatabase() {
        assertEquals("db.example.com:5432/shop", RehearseCommand.defaultTargetName("jdbc:postgresql://db.example.com:5432/shop?ssl=true"));
        assertEquals("shop", RehearseCommand.defaultTargetName("jdbc:postgresql:shop"));
    }

    /** Every table outside the ledger's schema (so also rescue tables), and every row of the shop's, in a stable order. */
    private static String databaseContents() throws SQLException {
        return query("SELECT (SELECT string_agg(table_schema || '.' || table_name, ', ' ORDER BY 1) FROM information_schema.tables"
                + "          WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'script_runner'))"
                + " || (SELECT string_agg(c::text, E'\\n' ORDER BY c.id) FROM customers c)"
                + " || (SELECT string_agg(o::text, E'\\n' ORDER BY o.id) FROM orders o)")
                .orElseThrow(() -> new AssertionError("the shop is missing, so there is nothing to compare"));
    }

    private static long ledgerCount(String condition) throws SQLException {
        return Long.parseLong(query("SELECT count(*) FROM script_runner.runs WHERE " + condition).orElseThrow());
    }

    private static Optional<String> query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(database.target().jdbcUrl(), "postgres", "postgres");
             PreparedStatement s = c.prepareStatement(sql);
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return Optional.ofNullable(rs.getString(1));
        }
    }
}
