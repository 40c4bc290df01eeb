package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prodscript.engine.containment.FiringTrigger;
import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.report.Json;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Triggers a script's writes fire are named by the script, shown to approvers, recorded in the manifest and announced
 * by the reversal, which can also run with them suppressed.
 */
class TriggerContainmentTest {
    private static final String ACKNOWLEDGED = "-- @triggers-fire orders_log: logs status changes, acceptable\n"
            + "-- @triggers-fire orders_stamp: stamps updated_at\n";
    private static final String FIX = "UPDATE orders SET status = 'shipped' WHERE id = 1;\n";

    private TestDatabase db;
    private Rescue rescue;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("""
                CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, updated_at timestamptz NOT NULL DEFAULT '2020-01-01');
                CREATE TABLE order_log (id serial PRIMARY KEY, order_id int NOT NULL, status text);
                CREATE TABLE lines (id int PRIMARY KEY, order_id int REFERENCES orders (id) ON DELETE CASCADE);
                INSERT INTO orders (id, status) VALUES (1, 'new'), (2, 'new');
                INSERT INTO lines VALUES (10, 1);
                """);
        // One statement each: the fixture's script splitter would cut the function bodies at their semicolons.
        db.jdbi().useHandle(h -> {
            h.execute("CREATE FUNCTION log_order() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN INSERT INTO order_log (order_id, status) VALUES (NEW.id, NEW.status); RETURN NEW; END $$");
            h.execute("CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END $$");
            h.execute("CREATE FUNCTION never() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
        });
        db.execute("""
                CREATE TRIGGER orders_log AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION log_order();
                CREATE TRIGGER orders_stamp BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION stamp();
                CREATE TRIGGER orders_disabled BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION never();
                ALTER TABLE orders DISABLE TRIGGER orders_disabled;
                """);
        rescue = new Rescue(db);
    }

    private String contents() {
        return DatabaseContents.digest(db, "public");
    }

    @Test
    void aWriteFiringUnacknowledgedTriggersIsRefusedInARehearsalAndARun() {
        String before = contents();
        for (Mode mode : Mode.values()) {
            RunResult run = rescue.run("-- @triggers-fire orders_stamp: stamps updated_at\n" + FIX, mode);
            assertEquals(RunStatus.REFUSED, run.status());
            assertEquals(2, run.failure().line());
            assertTrue(run.failure().reason().contains("trigger orders_log (AFTER UPDATE FOR EACH ROW)"), run.failure().reason());
            assertTrue(run.failure().reason().contains("@triggers-fire orders_log"), run.failure().reason());
        }
        assertEquals(before, contents());
        assertEquals("0", rescue.single("SELECT count(*) FROM order_log"));
    }

    @Test
    void onlyTriggersForTheEventsTheScriptCausesCount() {
        db.execute("CREATE TRIGGER orders_created AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION log_order();");
        RunResult update = rescue.run(ACKNOWLEDGED + FIX, Mode.REHEARSE);
        assertEquals(RunStatus.REHEARSED, update.status(), () -> String.valueOf(update.failure()));
        RunResult insert = rescue.run(ACKNOWLEDGED + "INSERT INTO orders (id, status) VALUES (3, 'new');\n", Mode.REHEARSE);
        assertEquals(RunStatus.REFUSED, insert.status());
        assertTrue(insert.failure().reason().contains("trigger orders_created (AFTER INSERT FOR EACH ROW)"), insert.failure().reason());
    }

    @Test
    void triggersOnTablesReachedThroughCascadesCountToo() {
        db.jdbi().useHandle(h -> h.execute("CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$"));
        db.execute("CREATE TRIGGER lines_keep BEFORE DELETE ON lines FOR EACH ROW EXECUTE FUNCTION keep();");
        RunResult run = rescue.run(ACKNOWLEDGED + "DELETE FROM orders WHERE id = 2;\n", Mode.REHEARSE);
        assertEquals(RunStatus.REFUSED, run.status());
        assertTrue(run.failure().reason().contains("table public.lines has trigger lines_keep"), run.failure().reason());
    }

    @Test
    void acknowledgedTriggersAreListedForApproversInTheResultAndTheManifest() throws Exception {
        RunResult rehearsal = rescue.run(ACKNOWLEDGED + FIX, Mode.REHEARSE);
        assertEquals(RunStatus.REHEARSED, rehearsal.status(), () -> String.valueOf(rehearsal.failure()));
        assertEquals(List.of("public.orders: orders_log (AFTER UPDATE FOR EACH ROW)", "public.orders: orders_stamp (BEFORE UPDATE FOR EACH ROW)"),
                rehearsal.triggers().stream().map(FiringTrigger::describe).toList(), "the disabled trigger does not fire");
        assertEquals("logs status changes, acceptable", rehearsal.triggers().get(0).reason());
        assertTrue(Json.pretty(rehearsal).contains("\"triggers\""));
        assertTrue(rehearsal.notices().contains("Trigger public.orders: orders_log (AFTER UPDATE FOR EACH ROW) fires for this"
                + " script's changes: logs status changes, acceptable"), rehearsal.notices()::toString);

        RunResult run = rescue.commit(ACKNOWLEDGED + FIX);
        String manifest = rescue.engine().manifest(Scripts.target(db), Scripts.credentials(), run.runId()).orElseThrow();
        assertTrue(manifest.contains("\"orders_log\"") && manifest.contains("\"orders_stamp\""), manifest);
    }

    @Test
    void theReversalAnnouncesTheTriggersThatFireAgain() throws Exception {
        String before = contents();
        RunResult run = rescue.commit(ACKNOWLEDGED + FIX);
        assertEquals("1", rescue.single("SELECT count(*) FROM order_log"));
        String reversal = rescue.engine().reversalScript(Scripts.target(db), Scripts.credentials(), run.runId()).text();
        assertTrue(reversal.contains("-- @triggers-fire orders_log: on public.orders, AFTER UPDATE FOR EACH ROW; fires again"), reversal);
        RunResult reverted = rescue.reverse(run.runId(), Mode.RUN, false);
        assertEquals(RunStatus.COMMITTED, reverted.status(), () -> String.valueOf(reverted.failure()));
        assertEquals("2", rescue.single("SELECT count(*) FROM order_log"), "announced: the AFTER trigger logs the reversal too");
        assertEquals("new", rescue.single("SELECT status FROM orders WHERE id = 1"));
        assertNotEquals(before, contents(), "announced: the BEFORE trigger stamps the restored row");
    }

    @Test
    void aReversalWithTriggersSuppressedPutsTheRowBackExactly() throws Exception {
        assumeTrue(TestDatabase.serverMajorVersion() >= 15, "GRANT SET ON PARAMETER exists from PostgreSQL 15 on");
        // What an administrator grants a runner that may suppress triggers (a superuser needs no grant). The grant is
        // the server's, not this database's: taken back at the end so other tests see a plain runner.
        String grantee = Scripts.credentials().username();
        db.asSuperuser("GRANT SET ON PARAMETER session_replication_role TO " + grantee);
        try {
            reversesExactlyWithTriggersSuppressed();
        } finally {
            db.asSuperuser("REVOKE SET ON PARAMETER session_replication_role FROM " + grantee);
        }
    }

    private void reversesExactlyWithTriggersSuppressed() throws Exception {
        String orders = rescue.single("SELECT string_agg(o::text, ';' ORDER BY id) FROM orders o");
        RunResult run = rescue.commit(ACKNOWLEDGED + FIX);
        var plan = rescue.engine().reversal(Scripts.target(db), Scripts.credentials(), run.runId(), true);
        assertTrue(plan.directives().triggersSuppressed() != null);
        RunResult reverted = rescue.engine().prepare(RunRequest.of(plan, Scripts.target(db), Scripts.credentials(), Mode.RUN, "bob")
                .withRevertsRunId(run.runId()), e -> { }).run();
        assertEquals(RunStatus.COMMITTED, reverted.status(), () -> String.valueOf(reverted.failure()));
        assertEquals(orders, rescue.single("SELECT string_agg(o::text, ';' ORDER BY id) FROM orders o"));
        assertEquals("1", rescue.single("SELECT count(*) FROM order_log"), "the log trigger did not fire again");
        assertEquals("origin", rescue.single("SELECT current_setting('session_replication_role')"));
    }

    @Test
    void onlyAReversalMaySuppressTriggers() {
        RunResult run = rescue.run("-- @triggers-suppressed quiet please\n" + ACKNOWLEDGED + FIX, Mode.REHEARSE);
        assertEquals(RunStatus.REFUSED, run.status());
        assertTrue(run.failure().reason().contains("only for reversals"), run.failure().reason());
    }

    @Test
    void aLoginThatMayNotSetTheReplicationRoleIsRefusedTheSuppressedReversal() throws Exception {
        // The runner with exactly the documented grants, which do not include session_replication_role.
        Credentials plain = Scripts.credentials();
        RunResult run = rescue.engine().prepare(RunRequest.of(rescue.plan(ACKNOWLEDGED + FIX), Scripts.target(db), plain,
                Mode.RUN, "alice"), e -> { }).run();
        assertEquals(RunStatus.COMMITTED, run.status(), () -> String.valueOf(run.failure()));
        String after = contents();
        var plan = rescue.engine().reversal(Scripts.target(db), plain, run.runId(), true);
        RunResult reverted = rescue.engine().prepare(RunRequest.of(plan, Scripts.target(db), plain, Mode.RUN, "bob")
                .withRevertsRunId(run.runId()), e -> { }).run();
        assertEquals(RunStatus.REFUSED, reverted.status(), () -> String.valueOf(reverted.failure()));
        assertTrue(reverted.failure().reason().contains("may not set session_replication_role"), reverted.failure().reason());
        assertEquals(after, contents());
    }
}
