package io.prodscript.engine.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.testing.LoopbackProxy;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Network and lock trouble ends a run within the target's limits instead of hanging a build, and changes nothing. */
class ConnectionLimitsTest {
    private static final Duration NEVER_HANGS = Duration.ofSeconds(30);

    private TestDatabase db;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL); INSERT INTO items VALUES (1, 10)");
    }

    private static ConnectionLimits limits(Duration connect, Duration socket, Duration ledgerLock, Duration idle) {
        return new ConnectionLimits(connect, socket, ledgerLock, idle);
    }

    private RunResult run(DatabaseTarget target, String sql, RunListener listener) {
        return ScriptEngine.create().prepare(RunRequest.of(Scripts.plan(sql), target, Scripts.credentials(), Mode.RUN, "alice"),
                listener).run();
    }

    @Test
    void aLockOnTheLedgerHeldByAnotherSessionFailsTheRunAfterTheLedgerLockTimeout() {
        DatabaseTarget target = db.target().withLimits(limits(null, null, Duration.ofSeconds(1), null));
        try (Handle dba = db.jdbi().open()) {
            dba.begin();
            dba.execute("LOCK TABLE script_runner.runs IN ACCESS EXCLUSIVE MODE");

            RunResult result = assertTimeoutPreemptively(NEVER_HANGS,
                    () -> run(target, "UPDATE items SET qty = 0 WHERE id = 1;", RunListener.NONE));

            dba.rollback();
            assertEquals(RunStatus.FAILED, result.status());
            assertTrue(result.failure().reason().contains("lock timeout"), result.failure().reason());
            assertTrue(result.durationMillis() < 10_000, "waited " + result.durationMillis() + " ms");
        }
        assertEquals(10, qty());
    }

    @Test
    void aServerThatNeverAnswersTheLoginFailsWithinTheConnectTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            DatabaseTarget target = DatabaseTarget.of("silent", "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/app")
                    .withLimits(limits(Duration.ofSeconds(1), null, null, null));

            RunResult result = assertTimeoutPreemptively(NEVER_HANGS, () -> run(target, "SELECT 1;", RunListener.NONE));

            assertEquals(RunStatus.FAILED, result.status());
            assertTrue(result.durationMillis() < 5_000, "waited " + result.durationMillis() + " ms");
        }
    }

    @Test
    void aHalfOpenConnectionFailsTheRunWithinStatementAndSocketTimeoutAndRollsBack() throws Exception {
        try (LoopbackProxy proxy = db.proxy().on("half_open_here", LoopbackProxy.Fault.SWALLOW_ANSWERS)) {
            DatabaseTarget target = new DatabaseTarget("test-db", proxy.url(db.name()), null, Duration.ofSeconds(1), null, null,
                    limits(null, Duration.ofSeconds(1), null, null));

            RunResult result = assertTimeoutPreemptively(NEVER_HANGS,
                    () -> run(target, "UPDATE items SET qty = 0 WHERE id = 1;\nSELECT 'half_open_here';", RunListener.NONE));

            assertTrue(proxy.triggered());
            assertEquals(RunStatus.FAILED, result.status());
            assertEquals(2, result.failure().statement(), result.failure()::toString);
        }
        assertEquals(10, qty());
    }

    @Test
    void aRunnerStalledInsideTheTransactionIsEndedByTheServerAndRolledBack() {
        DatabaseTarget target = db.target().withLimits(limits(null, null, null, Duration.ofSeconds(1)));

        RunResult result = run(target, "UPDATE items SET qty = 0 WHERE id = 1;\nSELECT 1;", event -> {
            if (event instanceof RunEvent.StatementFinished finished && finished.result().number() == 1) {
                sleep(Duration.ofMillis(2500)); // a listener stuck writing to a slow log, say
            }
        });

        assertEquals(RunStatus.FAILED, result.status());
        assertEquals(10, qty());
    }

    @Test
    void serversOlderThanThirteenAreRefusedNamingTheVersion() throws SQLException {
        SQLException e = assertThrows(SQLException.class, () -> DatabaseConnector.requireSupported("legacy", 12, "12.22"));
        assertEquals("target legacy runs PostgreSQL 12.22; Production Script Runner supports PostgreSQL 13 to 18", e.getMessage());
        DatabaseConnector.requireSupported("current", 13, "13.22");
        DatabaseConnector.requireSupported("current", 18, "18.3");
    }

    @Test
    void limitsBeyondPostgresqlsRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> limits(null, null, Duration.ofDays(30), null));
        assertThrows(IllegalArgumentException.class, () -> limits(Duration.ZERO, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new DatabaseTarget("prod", db.url(), null, Duration.ofDays(30), null, null));
        assertEquals(ConnectionLimits.DEFAULTS, db.target().limits());
        assertEquals(Duration.ofSeconds(5), ConnectionLimits.DEFAULTS.ledgerLockTimeout());
    }

    private int qty() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT qty FROM items WHERE id = 1").mapTo(Integer.class).one());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
