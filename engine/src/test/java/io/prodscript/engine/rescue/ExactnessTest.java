package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What is saved is exactly what the statement changed, and a reversal puts back exactly that. */
class ExactnessTest {
    private TestDatabase db;
    private String before;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("""
                CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL, status text NOT NULL, note text);
                INSERT INTO people VALUES (1, 'o''hara@example.com', 'active', 'n1'), (2, 'zzzz@example.com', 'active', 'n2'),
                                          (3, 'amy@example.com', 'active', 'n3');
                """);
        before = DatabaseContents.digest(db, "public");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "UPDATE people SET status = 'closed' WHERE email = U&'o\\0027hara@example.com'",
        "UPDATE people SET status = 'closed' WHERE email !~~ 'zzz%' AND id <> 3",
        "WITH target AS (SELECT 1 AS id) UPDATE people AS p SET status = 'closed' FROM target t WHERE p.id = t.id",
    })
    void copyFirstRunsTheReviewedTextAndReverses(String statement) throws Exception {
        Rescue rescue = new Rescue(db, CaptureMethod.COPY_FIRST);
        RunResult run = rescue.commit(statement + ";\n");
        assertEquals(1, run.statements().get(0).rows());
        assertEquals(1, run.rescue().captures().get(0).rowsCaptured());
        assertEquals("closed", rescue.single("SELECT status FROM people WHERE id = 1"));
        assertEquals(RunStatus.COMMITTED, rescue.reverse(run.runId(), Mode.RUN, false).status());
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    @Test
    void copyFirstProvesItSavedTheRowsTheStatementChangedNotOnlyAsMany() {
        // The condition reads a volatile value that moves between the copy and the UPDATE: same count, other rows.
        db.execute("CREATE SEQUENCE flip; CREATE FUNCTION pick() RETURNS int LANGUAGE sql AS 'SELECT CASE WHEN nextval(''flip'') = 1 THEN 1 ELSE 2 END';");
        RunResult run = new Rescue(db, CaptureMethod.COPY_FIRST).run(
                "-- @functions-reviewed pick: reads a sequence\nUPDATE people SET status = 'closed' WHERE id = (SELECT pick());\n", Mode.RUN);
        assertEquals(RunStatus.FAILED, run.status());
        assertTrue(run.failure().reason().contains("rescue saved 1 row(s) before statement 1 but it changed 1, 1 of them not among"),
                run.failure().reason());
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    @ParameterizedTest
    @EnumSource(CaptureMethod.class)
    void aForcedReversalOfAnUpdatePutsBackOnlyTheColumnsItAssigned(CaptureMethod method) throws Exception {
        Rescue rescue = new Rescue(db, method);
        RunResult run = rescue.commit("UPDATE people SET status = 'closed' WHERE id = 1;\n");
        db.execute("UPDATE people SET note = 'changed later' WHERE id = 1");
        assertEquals(RunStatus.COMMITTED, rescue.reverse(run.runId(), Mode.RUN, true).status());
        assertEquals("active|changed later", rescue.single("SELECT status || '|' || note FROM people WHERE id = 1"));
    }

    @Test
    void aTableWithInheritanceChildrenIsRefused() {
        db.execute("CREATE TABLE vip_people (level int) INHERITS (people); INSERT INTO vip_people VALUES (1, 'dup@example.com', 'active', 'v', 1);");
        RunResult run = new Rescue(db).run("UPDATE people SET status = 'closed' WHERE id = 1;\n", Mode.RUN);
        assertEquals(RunStatus.REFUSED, run.status());
        assertTrue(run.failure().reason().contains("table public.people has inheritance children"), run.failure().reason());
        assertEquals("active", new Rescue(db).single("SELECT string_agg(DISTINCT status, ',') FROM people"));
    }

    @Test
    void aPartitionedTableIsSavedThroughItsPartitions() throws Exception {
        db.execute("CREATE TABLE events (id int, region int, note text, PRIMARY KEY (id, region)) PARTITION BY LIST (region);"
                + " CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1); CREATE TABLE events_2 PARTITION OF events FOR VALUES IN (2);"
                + " INSERT INTO events VALUES (1, 1, 'a'), (2, 2, 'b');");
        String start = DatabaseContents.digest(db, "public");
        Rescue rescue = new Rescue(db);
        RunResult run = rescue.commit("DELETE FROM events WHERE id > 0;\n");
        assertEquals(2, run.statements().get(0).rows());
        assertEquals(RunStatus.COMMITTED, rescue.reverse(run.runId(), Mode.RUN, false).status());
        assertEquals(start, DatabaseContents.digest(db, "public"));
    }

    @Test
    void captureAndReversalUseTheTableTheRunsSessionResolved() throws Exception {
        db.asSuperuser("CREATE SCHEMA app AUTHORIZATION " + TestDatabase.RUNNER);
        db.execute("CREATE TABLE app.people (id int PRIMARY KEY, status text);"
                + " INSERT INTO app.people VALUES (1, 'app'); ALTER ROLE CURRENT_USER IN DATABASE " + db.name() + " SET search_path = app, public;");
        try {
            Rescue rescue = new Rescue(db);
            RunResult run = rescue.commit("UPDATE people SET status = 'x' WHERE id = 1;\n");
            assertEquals("app.people", run.rescue().captures().get(0).table());
            assertEquals("active", rescue.single("SELECT status FROM public.people WHERE id = 1"));
            assertEquals(RunStatus.COMMITTED, rescue.reverse(run.runId(), Mode.RUN, false).status());
            assertEquals("app", rescue.single("SELECT status FROM app.people WHERE id = 1"));
        } finally {
            db.execute("ALTER ROLE CURRENT_USER IN DATABASE " + db.name() + " RESET search_path");
        }
    }
}
