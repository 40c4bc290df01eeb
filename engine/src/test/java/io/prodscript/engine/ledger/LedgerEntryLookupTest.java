package io.prodscript.engine.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ScriptEngine#ledgerEntry}: one run read back from the target's ledger by its id, as the runner login (no
 * superuser) reads it when a build lost sight of the run.
 */
class LedgerEntryLookupTest {
    private static final ScriptEngine ENGINE = ScriptEngine.create();

    private TestDatabase db;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL)");
        db.execute("INSERT INTO items SELECT g, 10 FROM generate_series(1, 3) g");
    }

    private Optional<LedgerEntry> entry(String runId) throws Exception {
        return ENGINE.ledgerEntry(Scripts.target(db), Scripts.credentials(), runId);
    }

    @Test
    void aCommittedRunIsReadBackByItsId() throws Exception {
        RunResult other = Scripts.run(db, "UPDATE items SET qty = 1 WHERE id = 1;", Mode.RUN).result();
        RunResult run = Scripts.run(db, "UPDATE items SET qty = 2 WHERE id >= 2;", Mode.RUN).result();
        assertEquals(RunStatus.COMMITTED, run.status(), () -> String.valueOf(run.failure()));

        LedgerEntry entry = entry(run.runId()).orElseThrow();

        assertEquals(run.runId(), entry.runId());
        assertEquals("committed", entry.status());
        assertEquals(2, entry.rowsChanged());
        assertEquals("run", entry.mode());
        assertNotNull(entry.finishedAt());
        assertEquals("committed", entry(other.runId()).orElseThrow().status(), "each run by its own id");
    }

    @Test
    void anUnknownRunIdIsEmpty() throws Exception {
        Scripts.run(db, "UPDATE items SET qty = 1 WHERE id = 1;", Mode.RUN);

        assertEquals(Optional.empty(), entry("run-that-never-reached-this-target"));
        assertEquals(Optional.empty(), entry("' OR '1' = '1"), "the id is a value, never SQL");
    }

    @Test
    void aLiveRunIsRunning() throws Exception {
        RunRequest request = Scripts.request(db, "UPDATE items SET qty = 1 WHERE id = 1;\nSELECT pg_sleep(3);", Mode.RUN);
        CompletableFuture<RunResult> running = Scripts.startUntil(ENGINE, request, 2);

        LedgerEntry entry = entry(request.runId()).orElseThrow();

        assertEquals("running", entry.status(), "its session holds the run's lock: not mistaken for interrupted");
        assertNull(entry.finishedAt());
        assertEquals(RunStatus.COMMITTED, running.get(30, TimeUnit.SECONDS).status());
        assertEquals("committed", entry(request.runId()).orElseThrow().status());
    }

    @Test
    void aRunWhoseSessionDiedIsInterruptedBeforeAndAfterAnotherRunNoticesIt() throws Exception {
        RunRequest request = Scripts.request(db, "UPDATE items SET qty = 0 WHERE id = 1;\nSELECT pg_sleep(30);", Mode.RUN);
        CompletableFuture<RunResult> running = Scripts.startUntil(ENGINE, request, 2);
        db.asSuperuser("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'prodscript "
                + request.runId() + "'");
        assertEquals(RunStatus.FAILED, running.get(30, TimeUnit.SECONDS).status());
        String ledgerBefore = DatabaseContents.digest(db, "script_runner");

        LedgerEntry unnoticed = entry(request.runId()).orElseThrow();

        assertEquals("interrupted", unnoticed.status());
        assertEquals(Ledger.INTERRUPTED_FAILURE, unnoticed.failure());
        assertNull(unnoticed.finishedAt(), "nobody recorded when it stopped");
        assertEquals(ledgerBefore, DatabaseContents.digest(db, "script_runner"), "reading wrote nothing");

        assertEquals(RunStatus.REHEARSED, Scripts.run(db, "SELECT 1;", Mode.REHEARSE).result().status());
        LedgerEntry noticed = entry(request.runId()).orElseThrow();
        assertEquals("interrupted", noticed.status());
        assertEquals(Ledger.INTERRUPTED_FAILURE, noticed.failure());
        assertNotNull(noticed.finishedAt(), "when the next run noticed it");
        assertEquals(10, (int) db.jdbi().withHandle(h -> h.createQuery("SELECT qty FROM items WHERE id = 1")
                .mapTo(Integer.class).one()), "rolled back");
    }

    @Test
    void withoutTheLedgerItSaysToInstall() {
        TestDatabase bare = TestDatabase.createWithoutLedger();

        LedgerNotInstalled e = assertThrows(LedgerNotInstalled.class,
                () -> ENGINE.ledgerEntry(Scripts.target(bare), Scripts.credentials(), "run-1"));

        assertTrue(e.getMessage().contains("prodscript install"), e.getMessage());
    }
}
