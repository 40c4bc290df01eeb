package io.prodscript.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code prodscript install} prepares a database's ledger; rehearsals refuse until it has. No output shows a password. */
class InstallCommandTest {
    private static final String MARKER = "MARKER-" + UUID.randomUUID();
    /** The embedded server trusts local logins, so the marker password gets in and travels everywhere a password goes. */
    private static final PasswordSource MARKER_PASSWORD =
            new PasswordSource(Map.of(PasswordSource.ENVIRONMENT_VARIABLE, MARKER), () -> null);

    private static DemoDatabase database;

    @BeforeAll
    static void startDatabase() throws IOException, SQLException {
        database = DemoDatabase.start();
        database.load(Cli.REPOSITORY.resolve(DemoCommand.SHOP));
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        database.close();
    }

    private static Cli.Outcome install(String url) {
        return Cli.run(new CommandLine(new InstallCommand(MARKER_PASSWORD)), "--url", url, "--user", "postgres");
    }

    private static Cli.Outcome rehearse(String url, String... more) {
        String[] args = {"--root", Cli.REPOSITORY.toString(), "--url", url, "--user", "postgres"};
        String[] all = new String[args.length + more.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        all[all.length - 1] = DemoCommand.CANCEL_ORDERS;
        return Cli.run(new CommandLine(new RehearseCommand(MARKER_PASSWORD)), all);
    }

    @Test
    void rehearsingRefusesUntilTheLedgerIsInstalledThenInstallingTwiceChangesNothing() {
        String url = database.target().jdbcUrl();
        Cli.Outcome before = rehearse(url);
        assertEquals(1, before.exitCode(), before::toString);
        assertTrue(before.out().contains("Refused, nothing ran: The ledger is not installed"), before::toString);
        assertTrue(before.out().contains("prodscript install"), before::toString);

        Cli.Outcome first = install(url);
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.out().endsWith(": created ledger schema version " + io.prodscript.engine.ledger.LedgerSchema.VERSION + "\n"),
                first::toString);
        Cli.Outcome second = install(url);
        assertEquals(0, second.exitCode(), second::toString);
        assertTrue(second.out().contains("already installed; nothing changed"), second::toString);

        Cli.Outcome after = rehearse(url, "--json");
        assertEquals(0, after.exitCode(), after::toString);

        for (Cli.Outcome outcome : new Cli.Outcome[] {before, first, second, after}) {
            assertFalse(outcome.toString().contains(MARKER), outcome::toString);
        }
    }

    @Test
    void aUrlWithUserInformationIsAUsageErrorThatDoesNotRepeatIt() {
        String url = "jdbc:postgresql://postgres:" + MARKER + "@localhost:" + database.port() + "/" + database.target().name();
        for (Cli.Outcome outcome : new Cli.Outcome[] {install(url), rehearse(url, "--json")}) {
            assertEquals(2, outcome.exitCode(), outcome::toString);
            assertTrue(outcome.err().contains("must not contain user information"), outcome::toString);
            assertFalse(outcome.toString().contains(MARKER), outcome::toString);
        }
    }

    @Test
    void aLoginThatCannotCreateSchemasIsToldWhatIsNeeded() {
        Cli.Outcome outcome = Cli.run(new CommandLine(new InstallCommand(MARKER_PASSWORD)), "--url",
                database.target().jdbcUrl(), "--user", "nobody");
        assertEquals(1, outcome.exitCode(), outcome::toString);
        assertFalse(outcome.toString().contains(MARKER), outcome::toString);
    }
}
