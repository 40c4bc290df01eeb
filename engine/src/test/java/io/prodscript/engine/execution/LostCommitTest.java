package io.prodscript.engine.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.testing.LoopbackProxy;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outcome of a run is never guessed: when the connection is cut during COMMIT, the engine asks the database on a
 * new connection; and nothing a listener does changes an outcome.
 */
class LostCommitTest {
    private static final String PAYMENT = "INSERT INTO payments (account, amount) VALUES (42, 100);";

    private TestDatabase db;
    private LoopbackProxy proxy;

    @BeforeEach
    void createData() throws Exception {
        db = TestDatabase.create();
        db.execute("CREATE TABLE payments (id serial PRIMARY KEY, account int NOT NULL, amount int NOT NULL)");
        proxy = db.proxy();
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    /** A run through the proxy, which gives up asking after two seconds. */
    private RunResult runThroughProxy() {
        DatabaseTarget target = DatabaseTarget.of("test-db", proxy.url(db.name()))
                .withLimits(new ConnectionLimits(Duration.ofSeconds(1), Duration.ofSeconds(2), null, null));
        return Scripts.run(RunRequest.of(Scripts.plan(PAYMENT), target, Scripts.credentials(), Mode.RUN, "alice")).result();
    }

    @Test
    void aCommitWhoseAnswerIsLostIsReportedCommittedBecauseTheDatabaseSaysSo() {
        proxy.on("COMMIT", LoopbackProxy.Fault.CUT_AFTER_FORWARDING);

        RunResult result = runThroughProxy();

        assertTrue(proxy.triggered());
        assertEquals(RunStatus.COMMITTED, result.status(), () -> String.valueOf(result.failure()));
        assertTrue(result.notices().stream().anyMatch(n -> n.contains("confirms the run committed")), result.notices()::toString);
        assertEquals(1L, count("SELECT count(*) FROM payments"));
        assertEquals("committed", ledgerStatus(result.runId()));
    }

    @Test
    void aCommitThatNeverReachedTheServerIsReportedFailedAndRecordedSo() {
        proxy.on("COMMIT", LoopbackProxy.Fault.CUT_INSTEAD_OF_FORWARDING);

        RunResult result = runThroughProxy();

        assertTrue(proxy.triggered());
        assertEquals(RunStatus.FAILED, result.status());
        assertTrue(result.failure().reason().contains("confirms it rolled the run back"), result.failure().reason());
        assertEquals(0L, count("SELECT count(*) FROM payments"));
        assertEquals("failed", ledgerStatus(result.runId()));
    }

    @Test
    void whenTheDatabaseCannotBeAskedTheOutcomeIsUnknownWithTheQueryThatTells() {
        proxy.on("COMMIT", LoopbackProxy.Fault.CUT_AFTER_FORWARDING).thenRefuseConnections();

        RunResult result = runThroughProxy();

        assertEquals(RunStatus.UNKNOWN, result.status(), result::toString);
        String reason = result.failure().reason();
        assertTrue(reason.contains(result.runId()), reason);
        assertTrue(reason.contains("SELECT status FROM script_runner.run_history WHERE run_id = '" + result.runId() + "'"), reason);
        assertTrue(reason.contains("pg_xact_status"), reason);
        assertEquals("committed", ledgerStatus(result.runId()), "it did commit: reporting FAILED would have been a guess");
    }

    @Test
    void aListenerThatThrowsChangesNoOutcome() {
        RunResult result = ScriptEngine.create().prepare(Scripts.request(db, PAYMENT, Mode.RUN), event -> {
            throw new IllegalStateException("the build log is full");
        }).run();

        assertEquals(RunStatus.COMMITTED, result.status(), () -> String.valueOf(result.failure()));
        assertEquals(1L, count("SELECT count(*) FROM payments"));
        assertEquals("committed", ledgerStatus(result.runId()));
    }

    @Test
    void aListenerThatThrowsOnceTheRunFinishedChangesNoOutcome() {
        RunResult result = ScriptEngine.create().prepare(Scripts.request(db, PAYMENT, Mode.RUN), event -> {
            if (event instanceof RunEvent.RunFinished) {
                throw new IllegalStateException("the build log is full");
            }
        }).run();

        assertEquals(RunStatus.COMMITTED, result.status(), () -> String.valueOf(result.failure()));
    }

    private long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private String ledgerStatus(String runId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT status FROM script_runner.runs WHERE run_id = :id")
                .bind("id", runId).mapTo(String.class).one());
    }
}
