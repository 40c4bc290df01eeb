package io.prodscript.engine.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two login roles share one ledger, each with only the documented grants. Neither can see the other's sessions in
 * {@code pg_stat_activity}, and neither's bookkeeping may disturb the other's runs.
 */
class TwoLoginsTest {
    private static final ScriptEngine ENGINE = ScriptEngine.create();

    private TestDatabase db;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL)");
        db.execute("INSERT INTO items SELECT g, 10 FROM generate_series(1, 10) g");
        db.asSuperuser("GRANT SELECT, INSERT, UPDATE, DELETE ON items TO " + TestDatabase.SECOND_RUNNER);
    }

    private RunRequest asSecondLogin(String sql) {
        return RunRequest.of(Scripts.plan(sql), Scripts.target(db), new Credentials(TestDatabase.SECOND_RUNNER,
                TestDatabase.RUNNER_PASSWORD), Mode.RUN, "bob");
    }

    @Test
    void anotherLoginsRunLeavesALiveRunAlone() throws Exception {
        RunRequest first = Scripts.request(db, "UPDATE items SET qty = 1 WHERE id = 1;\nSELECT pg_sleep(4);", Mode.RUN);
        CompletableFuture<RunResult> running = Scripts.startUntil(ENGINE, first, 2);

        RunResult second = Scripts.run(asSecondLogin("UPDATE items SET qty = 2 WHERE id = 2;")).result();

        assertEquals(RunStatus.COMMITTED, second.status(), () -> String.valueOf(second.failure()));
        assertTrue(second.notices().isEmpty(), second.notices()::toString);
        assertEquals("running", status(first.runId()), "still running, not interrupted");
        RunResult result = running.get(30, TimeUnit.SECONDS);
        assertEquals(RunStatus.COMMITTED, result.status(), () -> String.valueOf(result.failure()));
        assertEquals("committed", status(first.runId()));
    }

    @Test
    void aRunMarkedInterruptedByAnotherLoginStillCommits() throws Exception {
        // The script drops its own liveness lock (through a reviewed function: calling pg_advisory_unlock_all() itself
        // is refused at run start), so the other login cannot tell it is alive and marks it interrupted.
        db.execute("CREATE FUNCTION release_locks() RETURNS void LANGUAGE sql AS 'SELECT pg_advisory_unlock_all()'");
        RunRequest first = Scripts.request(db, "-- @functions-reviewed release_locks: drops the liveness lock\n"
                + "SELECT release_locks();\nUPDATE items SET qty = 1 WHERE id = 1;\nSELECT pg_sleep(4);", Mode.RUN);
        CompletableFuture<RunResult> running = Scripts.startUntil(ENGINE, first, 3);

        RunResult second = Scripts.run(asSecondLogin("UPDATE items SET qty = 2 WHERE id = 2;")).result();
        assertTrue(second.notices().stream().anyMatch(n -> n.contains(first.runId())), second.notices()::toString);
        assertEquals("interrupted", status(first.runId()));

        RunResult result = running.get(30, TimeUnit.SECONDS);
        assertEquals(RunStatus.COMMITTED, result.status(), () -> String.valueOf(result.failure()));
        assertEquals("committed", status(first.runId()), "the run's own outcome wins over another's guess");
        assertEquals(1, (int) db.jdbi().withHandle(h -> h.createQuery("SELECT qty FROM items WHERE id = 1").mapTo(Integer.class).one()));
    }

    @Test
    void aRunWhoseSessionDiedIsRecognisedByAnotherLogin() throws Exception {
        RunRequest first = Scripts.request(db, "UPDATE items SET qty = 1 WHERE id = 1;\nSELECT pg_sleep(30);", Mode.RUN);
        CompletableFuture<RunResult> running = Scripts.startUntil(ENGINE, first, 2);
        db.asSuperuser("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'prodscript " + first.runId() + "'");
        assertEquals(RunStatus.FAILED, running.get(30, TimeUnit.SECONDS).status());

        RunResult second = Scripts.run(asSecondLogin("UPDATE items SET qty = 2 WHERE id = 2;")).result();

        assertTrue(second.notices().stream().anyMatch(n -> n.contains(first.runId()) && n.contains("interrupted")), second.notices()::toString);
        assertEquals("interrupted", status(first.runId()));
    }

    private String status(String runId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT status FROM script_runner.run_history WHERE run_id = :id")
                .bind("id", runId).mapTo(String.class).one());
    }
}
