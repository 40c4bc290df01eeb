package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What rescue cannot save is refused before anything changes, unless the script declares another way back. */
class RescueRefusalTest {
    private TestDatabase db;
    private Rescue rescue;
    private String before;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("""
                CREATE TABLE accounts (id int PRIMARY KEY, email text, status text);
                CREATE TABLE logs (message text, at timestamptz);
                CREATE TABLE parents (id int PRIMARY KEY);
                CREATE TABLE children (id int PRIMARY KEY, parent_id int REFERENCES parents (id) ON DELETE CASCADE);
                INSERT INTO accounts VALUES (1, 'a@example.org', 'active'), (2, 'b@example.org', 'closed');
                INSERT INTO logs VALUES ('started', now());
                INSERT INTO parents VALUES (1), (2);
                INSERT INTO children VALUES (10, 1), (11, 2);
                """);
        rescue = new Rescue(db);
        before = DatabaseContents.digest(db, "public");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "TRUNCATE logs|TRUNCATE, CALL, DO",
        "CREATE TABLE archive (id int)|changes the schema",
        "ALTER TABLE accounts ADD COLUMN note text|changes the schema",
        "WITH gone AS (DELETE FROM logs WHERE message = 'x' RETURNING 1) SELECT count(*) FROM gone|TRUNCATE, CALL, DO",
        "WITH gone AS (DELETE FROM logs WHERE message = 'x' RETURNING 1) UPDATE accounts SET status = 'x' WHERE id = 1|a writing WITH",
        "INSERT INTO accounts VALUES (1, 'c', 'x') ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email|ON CONFLICT DO UPDATE",
    })
    void statementsRescueCannotSaveAreRefusedWhenPlanned(String statement, String reason) {
        Refusal refusal = assertThrows(Refusal.class, () -> rescue.plan("-- @allow-full-table\nSELECT 1;\n" + statement + ";\n"));
        assertEquals(3, refusal.line().getAsInt(), refusal::getMessage);
        assertTrue(refusal.getMessage().contains(reason), refusal::getMessage);
        assertTrue(refusal.getMessage().contains("@rescue none"), refusal::getMessage);
        assertUnchanged();
        assertEquals("0", rescue.single("SELECT count(*) FROM script_runner.runs"), "planning touches no database");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-- @rescue none: the archive table is rebuilt nightly anyway\n", ""})
    void aDeclaredWayBackLetsThemRun(String header) {
        // The @revert section is held to the script's rules: its DROP needs @allow-destructive.
        String revert = header.isEmpty() ? "-- @revert\nDROP TABLE archive;\n" : "";
        RunResult run = rescue.commit("-- @allow-full-table\n-- @allow-destructive\n" + header + "CREATE TABLE archive (id int);\nTRUNCATE logs;\n" + revert);
        assertEquals(header.isEmpty() ? "script" : "none", run.rescue().reversal());
        assertEquals(header.isEmpty() ? null : "the archive table is rebuilt nightly anyway", run.rescue().none());
        assertTrue(run.rescue().captures().isEmpty());
    }

    @Test
    void aTableWithoutKeyIsRefusedBeforeAnyStatementRuns() {
        RunResult run = rescue.run("UPDATE accounts SET status = 'x' WHERE id = 1;\n\nUPDATE logs SET message = 'x' WHERE message = 'started';", Mode.RUN);
        assertEquals(RunStatus.REFUSED, run.status());
        assertEquals(2, run.failure().statement());
        assertEquals(3, run.failure().line());
        assertTrue(run.failure().reason().contains("table public.logs has no primary key"), run.failure().reason());
        assertTrue(run.statements().isEmpty(), "no statement ran");
        assertUnchanged();
        assertEquals("0", rescue.single("SELECT count(*) FROM pg_tables WHERE schemaname = 'rescue'"), "no rescue table is left behind");
        assertEquals("refused", rescue.single("SELECT status FROM script_runner.runs WHERE run_id = '" + run.runId() + "'"));
    }

    @Test
    void aTableWithoutKeyRunsWithRescueNoneWhoseReasonIsReported() {
        String sql = "-- @rescue none: log rows are disposable\nUPDATE logs SET message = 'x' WHERE message = 'started';";
        assertEquals("log rows are disposable", rescue.plan(sql).directives().rescueNone());
        RunResult run = rescue.commit(sql);
        assertEquals("log rows are disposable", run.rescue().none());
        assertEquals("none", run.rescue().reversal());
        Refusal refusal = assertThrows(Refusal.class, () -> rescue.reversal(run.runId()));
        assertTrue(refusal.getMessage().contains("without a way back (@rescue none: log rows are disposable)"), refusal::getMessage);
    }

    @Test
    void anUpdateOfTheOnlyKeyIsRefused() {
        RunResult run = rescue.run("UPDATE accounts SET id = id + 100 WHERE id = 1;", Mode.RUN);
        assertEquals(RunStatus.REFUSED, run.status());
        assertTrue(run.failure().reason().contains("every key of table public.accounts is assigned by an UPDATE"), run.failure().reason());
        assertUnchanged();
    }

    @Test
    void anotherKeyIsUsedWhenTheScriptAssignsThePrimaryKey() {
        db.execute("ALTER TABLE accounts ALTER COLUMN email SET NOT NULL; CREATE UNIQUE INDEX accounts_email ON accounts (email);");
        RunResult run = rescue.commit("UPDATE accounts SET id = id + 100 WHERE id = 1;");
        assertEquals(java.util.List.of("email"), run.rescue().captures().get(0).keyColumns());
    }

    @Test
    void aMissingTableIsNamed() {
        RunResult run = rescue.run("DELETE FROM nowhere WHERE id = 1;", Mode.RUN);
        assertEquals(RunStatus.REFUSED, run.status());
        assertTrue(run.failure().reason().contains("table nowhere does not exist"), run.failure().reason());
    }

    @Test
    void aTableWithAColumnNamedLikeRescuesOwnIsRefusedBeforeAnyStatementRuns() {
        db.execute("ALTER TABLE accounts ADD COLUMN prodscript_statement int;");
        String changed = DatabaseContents.digest(db, "public");
        RunResult run = rescue.run("UPDATE accounts SET status = 'x' WHERE id = 1;", Mode.RUN);
        assertEquals(RunStatus.REFUSED, run.status());
        assertTrue(run.failure().reason().contains("table public.accounts has a column named prodscript_statement"),
                run.failure().reason());
        assertEquals(changed, DatabaseContents.digest(db, "public"));
    }

    private void assertUnchanged() {
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }
}
