package io.prodscript.engine.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A script is applied once per database, whatever its SQL does to the engine's locks and however runs overlap. */
class ExactlyOnceTest {
    /**
     * Releases every advisory lock of its session, then takes its time: the engine's early refusal is gone. A script
     * calling {@code pg_advisory_unlock_all()} itself is refused when the run starts (containment); one calling a
     * reviewed function that does is beyond what that check can see, so the database must still hold the line.
     */
    private static final String PAYMENT = """
            -- @functions-reviewed release_locks: the way past the advisory locks this test needs
            SELECT release_locks();
            INSERT INTO payments (account, amount) VALUES (42, 100);
            SELECT pg_sleep(3);
            """;

    private static final ScriptEngine ENGINE = ScriptEngine.create().withoutRescue();

    private TestDatabase db;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("CREATE TABLE payments (id serial PRIMARY KEY, account int NOT NULL, amount int NOT NULL);"
                + " CREATE FUNCTION release_locks() RETURNS void LANGUAGE sql AS 'SELECT pg_advisory_unlock_all()'");
    }

    @Test
    void aScriptThatReleasesTheEnginesLocksIsStillCommittedOnce() throws Exception {
        CompletableFuture<RunResult> first = Scripts.startUntil(ENGINE, Scripts.request(db, PAYMENT, Mode.RUN), 3);
        CompletableFuture<RunResult> second = Scripts.startUntil(ENGINE, Scripts.request(db, PAYMENT, Mode.RUN), 3);

        List<RunResult> results = List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS));

        assertEquals(1, results.stream().filter(r -> r.status() == RunStatus.COMMITTED).count(), results::toString);
        RunResult loser = results.stream().filter(r -> r.status() != RunStatus.COMMITTED).findFirst().orElseThrow();
        assertEquals(RunStatus.FAILED, loser.status());
        assertTrue(loser.failure().reason().contains("committed while this one ran"), loser.failure().reason());
        assertEquals(1L, count("SELECT count(*) FROM payments"), "one payment, not two");
        assertEquals(1L, count("SELECT count(*) FROM script_runner.runs WHERE status = 'committed'"));
        assertEquals(1L, count("SELECT count(*) FROM script_runner.runs WHERE status = 'failed'"));
    }

    @Test
    void aRehearsalInProgressDoesNotKeepTheApprovedRunWaiting() throws Exception {
        String payment = "INSERT INTO payments (account, amount) VALUES (42, 100);\nSELECT pg_sleep(3);";
        CompletableFuture<RunResult> rehearsal = Scripts.startUntil(ENGINE, Scripts.request(db, payment, Mode.REHEARSE), 2);

        RunResult run = Scripts.run(db, payment, Mode.RUN).result();

        assertEquals(RunStatus.COMMITTED, run.status(), () -> String.valueOf(run.failure()));
        assertEquals(RunStatus.REHEARSED, rehearsal.get(30, TimeUnit.SECONDS).status());
        assertEquals(1L, count("SELECT count(*) FROM payments"));
    }

    @Test
    void theEnginesAdvisoryLocksUseTheTwoKeyFormSoTheApplicationsOwnCannotCollide() throws Exception {
        RunRequest request = Scripts.request(db, "INSERT INTO payments (account, amount) VALUES (1, 1);\nSELECT pg_sleep(2);", Mode.RUN);
        CompletableFuture<RunResult> run = Scripts.startUntil(ENGINE, request, 2);

        List<Integer> forms = db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT l.objsubid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                         WHERE l.locktype = 'advisory' AND a.application_name = :app""")
                .bind("app", "prodscript " + request.runId()).mapTo(Integer.class).list());

        assertEquals(List.of(2, 2), forms, "the script's lock and the run's liveness lock, both two-key");
        assertEquals(RunStatus.COMMITTED, run.get(30, TimeUnit.SECONDS).status());
    }

    private long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
