package io.prodscript.engine.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.DatabaseTarget;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * A script cannot write the engine's schemas by a name the planner does not recognise as theirs: the database's own
 * resolution of every written table decides, before the first statement.
 */
class EngineSchemaContainmentTest {
    private static final String PAYMENT = "INSERT INTO payments (account, amount) VALUES (42, 100);\n";

    private final TestDatabase db = TestDatabase.create();

    EngineSchemaContainmentTest() {
        db.execute("CREATE TABLE payments (id serial PRIMARY KEY, account int NOT NULL, amount int NOT NULL);"
                + " CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL); INSERT INTO people VALUES (1, 'Ann'), (2, 'Bob')");
    }

    private RunResult run(DatabaseTarget target, String sql) {
        ScriptEngine engine = ScriptEngine.create();
        return engine.prepare(RunRequest.of(engine.plan(Scripts.script(sql)), target, Scripts.credentials(), Mode.RUN,
                "alice"), e -> { }).run();
    }

    private String single(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }

    @Test
    void anUnqualifiedNameThatSearchPathResolvesIntoTheLedgerIsRefusedSoNoScriptIsAppliedTwice() {
        assertEquals(RunStatus.COMMITTED, run(db.target(), PAYMENT).status());
        // An administrator (or an earlier script's ALTER ROLE) put the ledger on the runner's search_path.
        db.asSuperuser("ALTER ROLE " + TestDatabase.RUNNER + " IN DATABASE " + db.name()
                + " SET search_path = script_runner, public");

        RunResult rewrite = run(db.target(), "-- @rescue none: bookkeeping\n"
                + "UPDATE runs SET status = 'reverted' WHERE status = 'committed' AND mode = 'run';\n");

        assertEquals(RunStatus.REFUSED, rewrite.status(), () -> String.valueOf(rewrite.failure()));
        assertTrue(rewrite.failure().reason().contains("schema script_runner"), rewrite.failure().reason());
        assertEquals("1", single("SELECT count(*) FROM script_runner.runs WHERE status = 'committed'"));
        assertEquals(RunStatus.REFUSED, run(db.target(), PAYMENT).status(), "the payment is applied once");
        assertEquals("1", single("SELECT count(*) FROM payments"));
    }

    @Test
    void theRescueTablesOfATargetsOwnRescueSchemaCannotBeRewritten() throws Exception {
        DatabaseTarget target = db.target().withRescueSchema("ops_rescue");
        ScriptEngine.create().install(target, db.superuser());
        db.asSuperuser("GRANT USAGE, CREATE ON SCHEMA ops_rescue TO " + TestDatabase.RUNNER);
        RunResult delete = run(target, "DELETE FROM people WHERE id = 2;\n");
        assertEquals(RunStatus.COMMITTED, delete.status(), () -> String.valueOf(delete.failure()));
        String rescueTable = delete.rescue().captures().get(0).rescueTable();

        RunResult forge = run(target, "-- @rescue none: fix a typo\nUPDATE " + rescueTable + " SET name = 'Forged' WHERE id = 2;\n");

        assertEquals(RunStatus.REFUSED, forge.status(), () -> String.valueOf(forge.failure()));
        assertTrue(forge.failure().reason().contains("schema ops_rescue"), forge.failure().reason());
        assertEquals("Bob", single("SELECT name FROM " + rescueTable));
    }
}
