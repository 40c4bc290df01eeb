package io.prodscript.cli;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.plan.Plan;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Shows the whole life of a script on a throwaway PostgreSQL: plan, refusal, rehearsal, run, the ledger refusing a
 * second run, the run undone from its rescue tables, a failed check rolling back, and the ledger's history. Each
 * step checks that the engine behaved as shown, so the demo doubles as an end-to-end test and exits 1 when anything
 * differs.
 */
@Command(name = "demo", description = "Starts a throwaway PostgreSQL with a sample shop and walks through plan, "
        + "refusal, rehearsal, run, a refused second run, undoing the run, a failed check and the ledger, using the "
        + "scripts in examples/. "
        + "Needs nothing but Java; the database is deleted at the end.")
final class DemoCommand implements Callable<Integer> {
    static final String SHOP = "examples/setup/shop.sql";
    static final String CANCEL_ORDERS = "examples/2026-03-01-cancel-abandoned-orders.sql";
    static final String UNSAFE = "examples/unsafe/purge-cancelled-orders.sql";
    static final String LOAD_TEST = "examples/2026-03-04-deactivate-load-test-accounts.sql";

    private static final String STALE_PENDING_ORDERS =
            "SELECT count(*) FROM orders WHERE status = 'pending' AND created_at < now() - interval '30 days'";
    private static final String ACTIVE_CUSTOMERS = "SELECT count(*) FROM customers WHERE status = 'active'";
    private static final String INDENT = "  ";
    /** How a reader runs the same step from the repository's root. */
    private static final String CLI = "java -jar cli/target/prodscript-cli.jar";

    @Spec
    CommandSpec spec;

    private PrintWriter out;
    private int step;

    @Override
    public Integer call() throws IOException, SQLException {
        out = spec.commandLine().getOut();
        try (DemoCheckout checkout = DemoCheckout.extract(List.of(SHOP, CANCEL_ORDERS, UNSAFE, LOAD_TEST));
             DemoDatabase database = startDatabase()) {
            walkThrough(checkout, database);
            return CommandLine.ExitCode.OK;
        } catch (UnexpectedOutcome e) {
            spec.commandLine().getErr().println("The demo did not go as shown: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        } finally {
            out.flush();
        }
    }

    private DemoDatabase startDatabase() throws IOException, SQLException {
        heading("Start a throwaway PostgreSQL");
        return DemoDatabase.start();
    }

    private void walkThrough(DemoCheckout checkout, DemoDatabase database) throws IOException, SQLException {
        ScriptEngine engine = ScriptEngine.create();
        say("PostgreSQL " + database.serverVersion() + " on localhost:" + database.port()
                + ", in a temporary directory that is deleted when the demo ends.");
        command(CLI + " install --url " + database.target().jdbcUrl() + " --user postgres");
        say("Ledger: " + engine.install(database.target(), database.credentials()).describe()
                + " (schemas script_runner and rescue; runs only check it).");

        heading("Load the sample shop (" + SHOP + ")");
        database.load(checkout.file(SHOP));
        long staleOrders = database.count(STALE_PENDING_ORDERS);
        long activeCustomers = database.count(ACTIVE_CUSTOMERS);
        say(database.count("SELECT count(*) FROM customers") + " customers (" + activeCustomers + " active), "
                + database.count("SELECT count(*) FROM orders") + " orders, " + staleOrders
                + " of them pending for more than 30 days.");

        heading("Plan a reviewed data fix: no database involved");
        command(CLI + " plan " + CANCEL_ORDERS);
        Plan cancelOrders = engine.plan(engine.read(checkout.root(), CANCEL_ORDERS));
        new PlanPrinter(out, INDENT).print(cancelOrders);

        heading("An unsafe script is refused before it reaches any database");
        command(CLI + " lint " + UNSAFE);
        try {
            engine.plan(engine.read(checkout.root(), UNSAFE));
            throw new UnexpectedOutcome(UNSAFE + " was accepted; it deletes every order and must be refused");
        } catch (Refusal refusal) {
            say("REFUSED " + UNSAFE + ": " + refusal.getMessage());
        }

        heading("Rehearse: every statement and check runs for real, then everything is rolled back");
        command(CLI + " rehearse --url " + database.target().jdbcUrl() + " --user postgres " + CANCEL_ORDERS);
        expectStatus(run(engine, request(database, cancelOrders, Mode.REHEARSE)), RunStatus.REHEARSED);
        expectCount(database, STALE_PENDING_ORDERS, staleOrders, "stale pending orders after the rehearsal");
        say("Stale pending orders after the rehearsal: " + staleOrders + ", unchanged.");

        heading("Run: commit (allowed here only because this database is the demo's own; real runs go through Jenkins)");
        RunResult applied = run(engine, request(database, cancelOrders, Mode.RUN));
        expectStatus(applied, RunStatus.COMMITTED);
        sayWhatRescueSaved(applied);
        expectCount(database, STALE_PENDING_ORDERS, 0, "stale pending orders after the run");
        say("Stale pending orders after the run: 0.");

        heading("Run the same script again: the ledger refuses to apply it twice");
        expectStatus(run(engine, request(database, cancelOrders, Mode.RUN)), RunStatus.REFUSED);

        heading("Undo the run: its reversal is generated from the rescue tables, and runs like any script");
        Plan reversal = engine.reversal(database.target(), database.credentials(), applied.runId());
        new PlanPrinter(out, INDENT).print(reversal);
        out.println();
        expectStatus(run(engine, request(database, reversal, Mode.RUN).withRevertsRunId(applied.runId())),
                RunStatus.COMMITTED);
        expectCount(database, STALE_PENDING_ORDERS, staleOrders, "stale pending orders after the reversal");
        say("Stale pending orders after the reversal: " + staleOrders + ", as before the run.");

        heading("A check that fails rolls the whole run back (" + LOAD_TEST + ")");
        expectStatus(run(engine, request(database, engine.plan(engine.read(checkout.root(), LOAD_TEST)), Mode.RUN)),
                RunStatus.FAILED);
        expectCount(database, ACTIVE_CUSTOMERS, activeCustomers, "active customers after the failed run");
        say("Active customers after the failed run: " + activeCustomers + ", unchanged.");

        heading("The ledger: table script_runner.runs in the target database, newest first");
        new LedgerPrinter(out, INDENT).print(engine.history(database.target(), database.credentials(), 20));

        out.println();
        out.println("Done: the demo's database is being deleted. Try the same commands on the examples yourself, e.g.");
        out.println(INDENT + CLI + " plan " + CANCEL_ORDERS);
    }

    private static RunRequest request(DemoDatabase database, Plan plan, Mode mode) {
        return RunRequest.of(plan, database.target(), database.credentials(), mode, "demo");
    }

    private RunResult run(ScriptEngine engine, RunRequest request) {
        EventPrinter progress = new EventPrinter(out, INDENT);
        RunResult result = engine.prepare(request, progress).run();
        progress.printEnd(result);
        return result;
    }

    private void sayWhatRescueSaved(RunResult result) {
        if (result.rescue() == null) {
            return;
        }
        for (RunResult.RescueCapture capture : result.rescue().captures()) {
            say("Rescue saved statement " + capture.statement() + "'s " + capture.rowsCaptured() + " row(s) of "
                    + capture.table() + " in " + capture.rescueTable() + ", kept until "
                    + result.rescue().expiresAt().truncatedTo(ChronoUnit.SECONDS) + ".");
        }
    }

    private static void expectStatus(RunResult result, RunStatus expected) {
        if (result.status() != expected) {
            throw new UnexpectedOutcome(result.scriptPath() + " ended " + result.status() + ", expected " + expected
                    + (result.failure() == null ? "" : ": " + result.failure().describe()));
        }
    }

    private static void expectCount(DemoDatabase database, String query, long expected, String what) throws SQLException {
        long actual = database.count(query);
        if (actual != expected) {
            throw new UnexpectedOutcome(what + ": " + actual + ", expected " + expected);
        }
    }

    private void heading(String title) {
        out.println();
        out.println("== " + ++step + ". " + title);
        out.flush();
    }

    private void command(String commandLine) {
        out.println(INDENT + "$ " + commandLine);
    }

    private void say(String text) {
        out.println(INDENT + text);
        out.flush();
    }

    /** The engine did something other than what the demo shows. */
    private static final class UnexpectedOutcome extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnexpectedOutcome(String message) {
            super(message);
        }
    }
}
