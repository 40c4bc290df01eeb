package io.prodscript.engine.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.script.Script;
import io.prodscript.engine.script.ScriptReader;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a run can go wrong ends with everything rolled back and the ledger saying so. */
class ExecutionFailureTest {
    private TestDatabase db;
    private String before;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("""
                CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL CHECK (qty >= 0));
                INSERT INTO items SELECT g, 10 FROM generate_series(1, 100) g;
                """);
        before = DatabaseContents.digest(db, "public");
    }

    private void assertUnchanged() {
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    private String ledgerStatus(String runId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT status FROM script_runner.run_history WHERE run_id = :id")
                .bind("id", runId).mapTo(String.class).one());
    }

    @Test
    void aFailingStatementRollsBackEarlierOnesAndIsNamed() {
        RunResult result = Scripts.run(db, """
                UPDATE items SET qty = qty - 1 WHERE id <= 50;
                INSERT INTO items VALUES (101, 1);
                UPDATE items SET qty = qty - 20 WHERE id = 7;
                """, Mode.RUN).result();
        assertEquals(RunStatus.FAILED, result.status());
        assertEquals(3, result.failure().statement());
        assertEquals(3, result.failure().line());
        assertTrue(result.failure().reason().contains("23514"), result.failure().reason());
        assertEquals(2, result.statements().size());
        assertUnchanged();
        assertEquals("failed", ledgerStatus(result.runId()));
    }

    @Test
    void aViolatedRowExpectationRollsBack() {
        RunResult result = Scripts.run(db, """
                -- @expect-rows 1: 1..10
                UPDATE items SET qty = 0 WHERE id <= 11;
                """, Mode.RUN).result();
        assertEquals(RunStatus.FAILED, result.status());
        assertEquals(1, result.failure().line());
        assertTrue(result.failure().reason().contains("found 11 row(s)"), result.failure().reason());
        assertFalse(result.checks().get(0).passed());
        assertUnchanged();
    }

    @Test
    void aFalseAssertionRollsBack() {
        RunResult result = Scripts.run(db, """
                -- @expect-rows items: 5
                -- @assert SELECT sum(qty) = 1000 FROM items
                UPDATE items SET qty = 0 WHERE id <= 5;
                """, Mode.RUN).result();
        assertEquals(RunStatus.FAILED, result.status());
        assertEquals(2, result.failure().line());
        assertTrue(result.checks().get(0).passed());
        assertEquals("false", result.checks().get(1).actual());
        assertUnchanged();
    }

    @Test
    void assertionsMustReturnExactlyOneBoolean() {
        RunResult result = Scripts.run(db, """
                -- @assert SELECT qty > 0 FROM items
                UPDATE items SET qty = 1 WHERE id = 1;
                """, Mode.RUN).result();
        assertEquals(RunStatus.FAILED, result.status());
        assertEquals("more than one row", result.checks().get(0).actual());
        assertUnchanged();
    }

    @Test
    void statementTimeoutRollsBack() {
        RunResult result = Scripts.run(db, """
                -- @statement-timeout 200ms
                UPDATE items SET qty = 1 WHERE id = 1;
                SELECT pg_sleep(5);
                """, Mode.RUN).result();
        assertEquals(RunStatus.FAILED, result.status());
        assertEquals(2, result.failure().statement());
        assertTrue(result.failure().reason().contains("statement timeout"), result.failure().reason());
        assertTrue(result.durationMillis() < 4000);
        assertUnchanged();
    }

    @Test
    void lockTimeoutRollsBack() {
        try (Handle other = db.jdbi().open()) {
            other.begin();
            other.execute("SELECT * FROM items WHERE id = 3 FOR UPDATE");
            RunResult result = Scripts.run(db, """
                    -- @lock-timeout 200ms
                    UPDATE items SET qty = 1 WHERE id = 1;
                    UPDATE items SET qty = 2 WHERE id = 3;
                    """, Mode.RUN).result();
            other.rollback();
            assertEquals(RunStatus.FAILED, result.status());
            assertEquals(2, result.failure().statement());
            assertTrue(result.failure().reason().contains("lock timeout"), result.failure().reason());
        }
        assertUnchanged();
    }

    @Test
    void cancellationStopsTheRunningStatementAndRollsBack() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        Execution execution = ScriptEngine.create().prepare(Scripts.request(db, """
                UPDATE items SET qty = 1 WHERE id <= 10;
                SELECT pg_sleep(30);
                UPDATE items SET qty = 2 WHERE id <= 10;
                """, Mode.RUN), event -> {
                    if (event instanceof RunEvent.StatementStarted started && started.number() == 2) {
                        sleeping.countDown();
                    }
                });
        CompletableFuture<RunResult> running = CompletableFuture.supplyAsync(execution::run);
        assertTrue(sleeping.await(20, TimeUnit.SECONDS));
        Thread.sleep(200);
        long cancelledAt = System.nanoTime();
        execution.cancel();
        RunResult result = running.get(20, TimeUnit.SECONDS);
        assertTrue(Duration.ofNanos(System.nanoTime() - cancelledAt).toSeconds() < 10);
        assertEquals(RunStatus.CANCELLED, result.status());
        assertEquals(2, result.failure().statement());
        assertUnchanged();
        assertEquals("cancelled", ledgerStatus(result.runId()));
    }

    @Test
    void cancellationBeforeTheRunStartsRunsNothing() {
        Execution execution = ScriptEngine.create().prepare(Scripts.request(db, "UPDATE items SET qty = 1 WHERE id = 1;", Mode.RUN), RunListener.NONE);
        execution.cancel();
        RunResult result = execution.run();
        assertEquals(RunStatus.CANCELLED, result.status());
        assertTrue(result.statements().isEmpty());
        assertUnchanged();
    }

    @Test
    void theSameScriptIsAppliedOnceUnlessForced() {
        String sql = "UPDATE items SET qty = qty + 1 WHERE id = 1;";
        assertEquals(RunStatus.COMMITTED, Scripts.run(db, sql, Mode.RUN).result().status());
        String afterFirst = DatabaseContents.digest(db, "public");

        RunResult again = Scripts.run(db, sql, Mode.RUN).result();
        assertEquals(RunStatus.REFUSED, again.status());
        assertTrue(again.failure().reason().contains("already applied"), again.failure().reason());
        assertEquals(afterFirst, DatabaseContents.digest(db, "public"));
        assertEquals("refused", ledgerStatus(again.runId()));

        RunResult rehearsal = Scripts.run(db, sql, Mode.REHEARSE).result();
        assertEquals(RunStatus.REFUSED, rehearsal.status());

        RunResult forced = Scripts.run(Scripts.request(db, sql, Mode.RUN).withForce(true)).result();
        assertEquals(RunStatus.COMMITTED, forced.status());
        assertTrue(forced.notices().get(0).contains("Forced"));
        assertEquals(Integer.valueOf(12), db.jdbi().withHandle(h -> h.createQuery("SELECT qty FROM items WHERE id = 1").mapTo(Integer.class).one()));
    }

    /** A Windows agent's checkout (CRLF) or an editor's byte-order mark must not make the same script new again. */
    @Test
    void theSameScriptCheckedOutWithOtherLineEndingsIsNotAppliedAgain(@TempDir Path checkout) throws IOException {
        String sql = "-- @description bump\nUPDATE items SET qty = qty + 1\n WHERE id = 1;\n";
        Files.writeString(checkout.resolve("fix.sql"), sql);
        Script onLinux = new ScriptReader().read(checkout, "fix.sql");
        assertEquals(RunStatus.COMMITTED, Scripts.run(RunRequest.of(ScriptEngine.create().plan(onLinux), db.target(),
                Scripts.credentials(), Mode.RUN, "alice")).result().status());
        String afterFirst = DatabaseContents.digest(db, "public");

        Files.write(checkout.resolve("fix.sql"), ("\uFEFF" + sql.replace("\n", "\r\n")).getBytes(StandardCharsets.UTF_8));
        Script onWindows = new ScriptReader().read(checkout, "fix.sql");
        RunResult again = Scripts.run(RunRequest.of(ScriptEngine.create().plan(onWindows), db.target(),
                Scripts.credentials(), Mode.RUN, "bob")).result();
        assertEquals(RunStatus.REFUSED, again.status());
        assertTrue(again.failure().reason().contains("already applied"), again.failure().reason());
        assertEquals(afterFirst, DatabaseContents.digest(db, "public"));
    }

    @Test
    void rehearsalsDoNotCountAsApplied() {
        String sql = "UPDATE items SET qty = qty + 1 WHERE id = 1;";
        assertEquals(RunStatus.REHEARSED, Scripts.run(db, sql, Mode.REHEARSE).result().status());
        assertEquals(RunStatus.REHEARSED, Scripts.run(db, sql, Mode.REHEARSE).result().status());
        assertEquals(RunStatus.COMMITTED, Scripts.run(db, sql, Mode.RUN).result().status());
    }

    @Test
    void aSecondConcurrentRunOfTheSameScriptIsRefusedAtOnce() throws Exception {
        String sql = "UPDATE items SET qty = 5 WHERE id = 1;\nSELECT pg_sleep(3);";
        CountDownLatch firstIsRunning = new CountDownLatch(1);
        Execution first = ScriptEngine.create().prepare(Scripts.request(db, sql, Mode.RUN), event -> {
            if (event instanceof RunEvent.StatementStarted started && started.number() == 2) {
                firstIsRunning.countDown();
            }
        });
        CompletableFuture<RunResult> firstResult = CompletableFuture.supplyAsync(first::run);
        assertTrue(firstIsRunning.await(20, TimeUnit.SECONDS));

        long start = System.nanoTime();
        RunResult second = Scripts.run(db, sql, Mode.RUN).result();
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2500, "refused at once, not queued");
        assertEquals(RunStatus.REFUSED, second.status());
        assertTrue(second.failure().reason().contains("in progress"), second.failure().reason());
        assertEquals(RunStatus.COMMITTED, firstResult.get(20, TimeUnit.SECONDS).status());
    }

    @Test
    void aRunWhoseProcessDiedIsReportedAsInterruptedByTheNextRun() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        RunRequest doomed = Scripts.request(db, "UPDATE items SET qty = 0 WHERE id = 1;\nSELECT pg_sleep(30);", Mode.RUN);
        Execution execution = ScriptEngine.create().prepare(doomed, event -> {
            if (event instanceof RunEvent.StatementStarted started && started.number() == 2) {
                sleeping.countDown();
            }
        });
        CompletableFuture<RunResult> running = CompletableFuture.supplyAsync(execution::run);
        assertTrue(sleeping.await(20, TimeUnit.SECONDS));
        // The connection dies under the run, as it would if the agent running it crashed.
        db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'prodscript " + doomed.runId() + "'");
        assertEquals(RunStatus.FAILED, running.get(20, TimeUnit.SECONDS).status());
        assertEquals("running", ledgerStatus(doomed.runId()));
        assertUnchanged();

        RunResult next = Scripts.run(db, "SELECT 1;", Mode.REHEARSE).result();
        assertTrue(next.notices().stream().anyMatch(n -> n.contains(doomed.runId()) && n.contains("interrupted")), next.notices()::toString);
        assertEquals("interrupted", ledgerStatus(doomed.runId()));
    }

    @Test
    void aRefusedLoginFailsWithoutRevealingThePassword() {
        // The embedded server trusts every password, so an unknown role stands in for a wrong password.
        String password = "s3cret-Pa55word";
        RunRequest request = new RunRequest(Scripts.plan("SELECT 1;"), Scripts.target(db), new Credentials("nobody", password),
                Mode.REHEARSE, "alice", null, null, false, null);
        List<RunEvent> events = new java.util.ArrayList<>();
        RunResult result = ScriptEngine.create().prepare(request, events::add).run();
        assertEquals(RunStatus.FAILED, result.status());
        assertTrue(result.failure().reason().contains("nobody"), result.failure().reason());
        assertFalse(result.toString().contains(password));
        assertFalse(request.toString().contains(password));
        assertFalse(request.credentials().toString().contains(password));
        assertFalse(events.toString().contains(password));
        assertTrue(events.get(events.size() - 1) instanceof RunEvent.RunFinished, "a listener-only log still learns the outcome");
    }

    @Test
    void failuresDescribeTheirPlace() {
        assertEquals("statement 2 (line 7): boom", new Failure(2, 7, "boom").describe());
        assertEquals("line 3: boom", new Failure(null, 3, "boom").describe());
        assertEquals("boom", new Failure(null, null, "boom").describe());
    }

    @Test
    void aFailedRunRecordsNoRowsAsChangedInTheLedger() {
        RunResult result = Scripts.run(db, "UPDATE items SET qty = 1 WHERE id <= 5;\nUPDATE items SET qty = -1 WHERE id = 6;", Mode.RUN).result();
        assertEquals(5, result.statements().get(0).rows());
        long recorded = db.jdbi().withHandle(h -> h.createQuery("SELECT rows_changed FROM script_runner.runs WHERE run_id = :id")
                .bind("id", result.runId()).mapTo(Long.class).one());
        assertEquals(0, recorded);
    }
}
