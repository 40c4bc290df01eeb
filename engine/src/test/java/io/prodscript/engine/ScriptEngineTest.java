package io.prodscript.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.approval.ApprovalSubject;
import io.prodscript.engine.approval.Decision;
import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScriptEngineTest {
    @Test
    void checkConnectionSaysWhatItReachedAndCreatesNothing() throws SQLException {
        TestDatabase db = TestDatabase.createWithoutLedger();
        String reached = ScriptEngine.create().checkConnection(Scripts.target(db), Scripts.credentials());
        assertTrue(reached.startsWith("PostgreSQL " + TestDatabase.serverMajorVersion() + "."), reached);
        assertTrue(reached.endsWith("as " + TestDatabase.RUNNER + " on database " + db.name()), reached);
        boolean ledgerExists = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT exists(SELECT 1 FROM pg_namespace WHERE nspname = 'script_runner')").mapTo(Boolean.class).one());
        assertFalse(ledgerExists);
    }

    @Test
    void checkConnectionFailsForARefusedLogin() {
        TestDatabase db = TestDatabase.create();
        SQLException e = assertThrows(SQLException.class,
                () -> ScriptEngine.create().checkConnection(Scripts.target(db), new Credentials("nobody", "pw-never-shown")));
        assertFalse(e.getMessage().contains("pw-never-shown"));
    }

    @Test
    void approvalLedgerWritesToTheTarget() {
        TestDatabase db = TestDatabase.create();
        var ledger = ScriptEngine.create().approvalLedger(Scripts.target(db), Scripts.credentials());
        ApprovalSubject subject = new ApprovalSubject("a".repeat(64), "test-db", "run", "b".repeat(64));
        ledger.record("run-1", subject, Decision.approve("bob", Set.of(), subject, Instant.now()), true, "counted");
        assertEquals(1, ledger.list("run-1").size());
        assertEquals("bob", ledger.list("run-1").get(0).userId());
    }
}
