package io.prodscript.engine.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExecutionTest {
    private static final String FIX = """
            -- @description mark stale accounts
            -- @expect-rows 1: 2
            -- @assert SELECT count(*) = 2 FROM accounts WHERE status = 'stale'
            UPDATE accounts SET status = 'stale' WHERE last_login < '2020-01-01';
            INSERT INTO audit_notes (note) VALUES ('marked; stale');
            DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE status = 'stale');
            """;

    private TestDatabase db;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("""
                CREATE TABLE accounts (id int PRIMARY KEY, status text NOT NULL, last_login date NOT NULL);
                CREATE TABLE sessions (id int PRIMARY KEY, account_id int NOT NULL REFERENCES accounts(id));
                CREATE TABLE audit_notes (id serial PRIMARY KEY, note text NOT NULL);
                INSERT INTO accounts VALUES (1, 'active', '2019-05-01'), (2, 'active', '2019-06-01'), (3, 'active', '2024-01-01');
                INSERT INTO sessions VALUES (10, 1), (11, 2), (12, 3), (13, 3);
                """);
    }

    private String contents() {
        return DatabaseContents.digest(db, "public");
    }

    @Test
    void rehearsalReportsWhatWouldChangeAndLeavesTheDataAsItWas() {
        String before = contents();
        Scripts.Outcome outcome = Scripts.run(db, FIX, Mode.REHEARSE);
        RunResult result = outcome.result();

        assertEquals(RunStatus.REHEARSED, result.status(), () -> String.valueOf(result.failure()));
        assertEquals(List.of(2L, 1L, 2L), result.statements().stream().map(StatementResult::rows).toList());
        assertEquals(5, result.rowsChanged());
        assertTrue(result.checks().stream().allMatch(CheckResult::passed));
        assertEquals(before, contents());
        assertTrue(outcome.events().get(0) instanceof RunEvent.RunStarted);
        assertTrue(outcome.events().get(outcome.events().size() - 1) instanceof RunEvent.RunFinished);
    }

    @Test
    void runCommitsAndIsRecordedInTheLedger() {
        String before = contents();
        RunResult result = Scripts.run(db, FIX, Mode.RUN).result();

        assertEquals(RunStatus.COMMITTED, result.status(), () -> String.valueOf(result.failure()));
        assertNotEquals(before, contents());
        assertEquals(Integer.valueOf(2), db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM accounts WHERE status = 'stale'").mapTo(Integer.class).one()));
        String status = db.jdbi().withHandle(h -> h.createQuery("SELECT status FROM script_runner.runs WHERE run_id = :id")
                .bind("id", result.runId()).mapTo(String.class).one());
        assertEquals("committed", status);
    }

    @Test
    void rehearsalOfSchemaChangesLeavesTheSchemaAsItWas() {
        String before = contents();
        RunResult result = Scripts.run(db, """
                -- @rescue none: schema change, reverted by hand
                ALTER TABLE accounts ADD COLUMN closed_at timestamptz;
                CREATE TABLE account_flags (account_id int PRIMARY KEY REFERENCES accounts(id), flag text);
                INSERT INTO account_flags SELECT id, 'stale' FROM accounts WHERE last_login < '2020-01-01';
                """, Mode.REHEARSE).result();
        assertEquals(RunStatus.REHEARSED, result.status(), () -> String.valueOf(result.failure()));
        assertEquals(2, result.rowsChanged());
        assertEquals(before, contents());
    }

    @Test
    void everyRunAndRehearsalIsInTheLedgerHistory() throws Exception {
        RunResult rehearsal = Scripts.run(db, FIX, Mode.REHEARSE).result();
        RunResult failed = Scripts.run(db, "UPDATE accounts SET status = NULL WHERE id = 1;", Mode.RUN).result();
        RunResult run = Scripts.run(Scripts.request(db, FIX, Mode.RUN).withCommit("abc123")).result();

        var history = io.prodscript.engine.ScriptEngine.create().history(Scripts.target(db), Scripts.credentials(), 10);
        assertEquals(List.of(run.runId(), failed.runId(), rehearsal.runId()),
                history.stream().map(io.prodscript.engine.ledger.LedgerEntry::runId).toList());
        var committed = history.get(0);
        assertEquals("committed", committed.status());
        assertEquals("run", committed.mode());
        assertEquals("abc123", committed.commit());
        assertEquals("alice", committed.requestedBy());
        assertEquals(5, committed.rowsChanged());
        assertEquals("scripts/test.sql", committed.scriptPath());
        assertEquals("failed", history.get(1).status());
        assertTrue(history.get(1).failure().contains("23502"), history.get(1).failure());
        assertEquals("rehearsed", history.get(2).status());
        String statements = db.jdbi().withHandle(h -> h.createQuery("SELECT statements::text FROM script_runner.runs WHERE run_id = :id")
                .bind("id", run.runId()).mapTo(String.class).one());
        assertTrue(statements.contains("\"rows\": 2"), statements);
    }

    @Test
    void ledgerCreationIsIdempotentUnderConcurrency() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<RunResult>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String sql = "SELECT " + i + ";";
                runs.add(pool.submit(() -> Scripts.run(db, sql, Mode.REHEARSE).result()));
            }
            for (var future : runs) {
                assertEquals(RunStatus.REHEARSED, future.get().status(), () -> "concurrent first use of the ledger");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
