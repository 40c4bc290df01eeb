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
}
