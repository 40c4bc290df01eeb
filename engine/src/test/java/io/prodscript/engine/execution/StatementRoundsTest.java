package io.prodscript.engine.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Consecutive statements saved in one pass go to the server in rounds of one round trip (Execution.runStatements):
 * whatever happens inside a round, the run reports it as if each statement had run alone.
 */
class StatementRoundsTest {
    /** Statement 1 creates the rescue table and runs alone; rounds of 1, 2, 4, 8, 16 … follow: 23 is inside one. */
    private static final int FAILING = 23;
    private static final int STATEMENTS = 40;

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

    /**
     * One-row UPDATEs of rows 1..{@link #STATEMENTS}, one a line after the directives; statement {@code special} (none
     * when 0) is the given one instead.
     */
    private static String updates(String directives, int special, String statement) {
        return directives + IntStream.rangeClosed(1, STATEMENTS)
                .mapToObj(n -> n == special ? statement : "UPDATE items SET qty = qty - 1 WHERE id = " + n + ";")
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static List<Integer> started(List<RunEvent> events) {
        return events.stream().filter(e -> e instanceof RunEvent.StatementStarted).map(e -> ((RunEvent.StatementStarted) e).number()).toList();
    }

    private static List<Integer> finished(List<RunEvent> events) {
        return events.stream().filter(e -> e instanceof RunEvent.StatementFinished).map(e -> ((RunEvent.StatementFinished) e).result().number()).toList();
    }

    private static List<Integer> upTo(int last) {
        return IntStream.rangeClosed(1, last).boxed().toList();
    }

    /** Started and finished alternate, in statement order: no event of a round comes before the one it follows. */
    private static void assertInOrder(List<RunEvent> events, int lastFinished) {
        List<String> seen = events.stream()
                .filter(e -> e instanceof RunEvent.StatementStarted || e instanceof RunEvent.StatementFinished)
                .map(e -> e instanceof RunEvent.StatementStarted s ? "s" + s.number() : "f" + ((RunEvent.StatementFinished) e).result().number())
                .toList();
        List<String> expected = new ArrayList<>();
        for (int n = 1; n <= lastFinished; n++) {
            expected.add("s" + n);
            expected.add("f" + n);
        }
        if (seen.size() > expected.size()) {
            expected.add("s" + (lastFinished + 1));
        }
        assertEquals(expected, seen);
    }

    @Test
    void aStatementFailingInsideARoundIsNamedWithTheEventsBeforeItAndNothingCommitted() {
        // qty 10 - 20 breaks the CHECK (qty >= 0).
        Scripts.Outcome outcome = Scripts.run(db, updates("", FAILING, "UPDATE items SET qty = qty - 20 WHERE id = " + FAILING + ";"), Mode.RUN);
        RunResult result = outcome.result();
        assertEquals(RunStatus.FAILED, result.status());
        assertEquals(FAILING, result.failure().statement());
        assertEquals(FAILING, result.failure().line());
        assertTrue(result.failure().reason().contains("23514"), result.failure().reason());
        assertEquals(upTo(FAILING - 1), result.statements().stream().map(StatementResult::number).toList());
        assertTrue(result.statements().stream().allMatch(s -> s.rows() == 1), result.statements()::toString);
        assertEquals(upTo(FAILING), started(outcome.events()));
        assertEquals(upTo(FAILING - 1), finished(outcome.events()));
        assertInOrder(outcome.events(), FAILING - 1);
        assertEquals(before, DatabaseContents.digest(db, "public"));
        assertEquals("failed", db.jdbi().withHandle(h -> h.createQuery("SELECT status FROM script_runner.runs WHERE run_id = :id")
                .bind("id", result.runId()).mapTo(String.class).one()));
    }

    @Test
    void rowCountsOfStatementsSentTogetherAreTheirOwnAndExpectationsSeeThem() {
        String script = "-- @expect-rows 30: 0\n-- @expect-rows 31: 1\n" + IntStream.rangeClosed(1, STATEMENTS)
                .mapToObj(n -> "UPDATE items SET qty = qty - 1 WHERE id = " + (n == 30 ? 1000 : n) + ";")
                .collect(Collectors.joining("\n", "", "\n"));
        Scripts.Outcome outcome = Scripts.run(db, script, Mode.RUN);
        RunResult result = outcome.result();
        assertEquals(RunStatus.COMMITTED, result.status(), () -> String.valueOf(result.failure()));
        assertEquals(IntStream.rangeClosed(1, STATEMENTS).mapToObj(n -> n == 30 ? 0L : 1L).toList(),
                result.statements().stream().map(StatementResult::rows).toList());
        assertInOrder(outcome.events(), STATEMENTS);
        assertEquals(39, result.rowsChanged());
    }

    @Test
    void aFailedExpectationOnAStatementSentTogetherRollsBackAndNamesItsLine() {
        String script = "-- @expect-rows 25: 2\n" + updates("", 0, null);
        RunResult result = Scripts.run(db, script, Mode.RUN).result();
        assertEquals(RunStatus.FAILED, result.status());
        assertEquals(1, result.failure().line());
        assertTrue(result.failure().reason().contains("found 1 row(s)"), result.failure().reason());
        assertEquals(STATEMENTS, result.statements().size());
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    @Test
    void aLockTimeoutInsideARoundNamesItsStatement() {
        try (Handle other = db.jdbi().open()) {
            other.begin();
            other.execute("SELECT * FROM items WHERE id = " + FAILING + " FOR UPDATE");
            Scripts.Outcome outcome = Scripts.run(db, updates("-- @lock-timeout 300ms\n", 0, null), Mode.RUN);
            other.rollback();
            RunResult result = outcome.result();
            assertEquals(RunStatus.FAILED, result.status());
            assertEquals(FAILING, result.failure().statement());
            assertEquals(FAILING + 1, result.failure().line());
            assertTrue(result.failure().reason().contains("lock timeout"), result.failure().reason());
            assertEquals(upTo(FAILING), started(outcome.events()));
            assertEquals(upTo(FAILING - 1), finished(outcome.events()));
        }
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    @Test
    void theStatementTimeoutAppliesToEachStatementOfARoundNotToTheRound() throws Exception {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(db.url(), TestDatabase.RUNNER,
                TestDatabase.RUNNER_PASSWORD); java.sql.Statement set = connection.createStatement()) {
            connection.setAutoCommit(false);
            set.execute("SET LOCAL statement_timeout = '1s'");
            // Eight statements of 150 ms each: the round takes 1.2 s, each statement far under its 1 s even on a loaded
            // machine (PostgreSQL stops the timer as each Execute completes; the next message starts a fresh one). The
            // sleep is an init plan, run once per statement whatever plan the UPDATE gets: as a condition beside
            // "id = n" it ran once per row scanned whenever the planner chose a sequential scan, so one statement alone
            // could outlast the timeout.
            StatementPipeline.Answers answers = StatementPipeline.send(connection, IntStream.rangeClosed(1, 8)
                    .mapToObj(n -> "UPDATE items SET qty = qty - 1 WHERE id = (SELECT " + n + " FROM pg_sleep(0.15))").toList());
            assertNull(answers.failure());
            assertEquals(8, answers.answered());
            connection.rollback();
        }
    }

    @Test
    void aStatementTimeoutInsideARoundNamesItsStatement() {
        String slow = "-- @statement-timeout 200ms\n" + IntStream.rangeClosed(1, 12)
                .mapToObj(n -> "UPDATE items SET qty = qty - 1 WHERE id = " + n + (n == 10 ? " AND pg_sleep(1) IS NOT NULL;" : ";"))
                .collect(Collectors.joining("\n", "", "\n"));
        RunResult timedOut = Scripts.run(db, slow, Mode.RUN).result();
        assertEquals(RunStatus.FAILED, timedOut.status());
        assertEquals(10, timedOut.failure().statement());
        assertTrue(timedOut.failure().reason().contains("statement timeout"), timedOut.failure().reason());
    }

    @Test
    void cancellingDuringARoundStopsItsRunningStatementAndRollsBack() throws Exception {
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        RunRequest request = Scripts.request(db, updates("", FAILING,
                "UPDATE items SET qty = qty - 1 WHERE id = " + FAILING + " AND pg_sleep(30) IS NOT NULL;"), Mode.RUN);
        Execution execution = ScriptEngine.create().prepare(request, events::add);
        CompletableFuture<RunResult> running = CompletableFuture.supplyAsync(execution::run);
        awaitSleeping(request.runId());
        long cancelledAt = System.nanoTime();
        execution.cancel();
        RunResult result = running.get(20, TimeUnit.SECONDS);
        assertTrue(Duration.ofNanos(System.nanoTime() - cancelledAt).toSeconds() < 10);
        assertEquals(RunStatus.CANCELLED, result.status());
        assertEquals(FAILING, result.failure().statement());
        assertEquals(upTo(FAILING), started(events));
        assertEquals(upTo(FAILING - 1), finished(events));
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    /** Waits until the run's session is inside pg_sleep: its round is on the server, no event of it out yet. */
    private void awaitSleeping(String runId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            boolean sleeping = db.jdbi().withHandle(h -> h.createQuery("""
                            SELECT count(*) > 0 FROM pg_stat_activity
                             WHERE application_name = :name AND state = 'active' AND wait_event = 'PgSleep'""")
                    .bind("name", "prodscript " + runId).mapTo(Boolean.class).one());
            if (sleeping) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the run never reached its sleeping statement");
    }

    @Test
    void statementsARunnerLetsGoTogetherAreSentInRoundsAndReportedOneByOne() {
        List<Integer> ranAlone = new ArrayList<>();
        List<String> ranTogether = new ArrayList<>();
        StatementRunner runner = new StatementRunner() {
            @Override
            public long run(PlannedStatement statement, RunSession session) throws java.sql.SQLException {
                ranAlone.add(statement.number());
                return session.execute(statement.sql());
            }

            @Override
            public String sentTogether(PlannedStatement statement, RunSession session) {
                return statement.number() == 5 ? null : statement.sql();
            }

            @Override
            public void ranTogether(PlannedStatement statement, long rows) {
                ranTogether.add(statement.number() + ":" + rows);
            }
        };
        String script = IntStream.rangeClosed(1, 9).mapToObj(n -> "UPDATE items SET qty = qty - 1 WHERE id <= " + n + ";")
                .collect(Collectors.joining("\n", "", "\n"));
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        RunResult result = new Execution(Scripts.request(db, script, Mode.RUN), events::add, runner, Clock.systemUTC()).run();
        assertEquals(RunStatus.COMMITTED, result.status(), () -> String.valueOf(result.failure()));
        assertEquals(List.of(5), ranAlone);
        assertEquals(List.of("1:1", "2:2", "3:3", "4:4", "6:6", "7:7", "8:8", "9:9"), ranTogether);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), result.statements().stream().map(StatementResult::rows).toList());
        assertInOrder(events, 9);
        assertNull(result.failure());
    }

    @Test
    void aRoundIsSentOnlyWhenTheDriverReadsAsManyStatementsAsItIsGiven() throws Exception {
        try (Handle handle = db.jdbi().open()) {
            java.sql.Connection connection = handle.getConnection();
            // A statement ending in a comment keeps the next one: the separator starts on a new line.
            StatementPipeline.Answers answers = StatementPipeline.send(connection, List.of(
                    "UPDATE items SET qty = 1 WHERE id <= 2 -- the first", "UPDATE items SET qty = 1 WHERE id = 3"));
            assertEquals(2, answers.answered());
            assertEquals(List.of(2L, 1L), java.util.Arrays.stream(answers.rows()).boxed().toList());
            assertNull(answers.failure());

            String twoInOne = "UPDATE items SET qty = 0 WHERE id = 4; UPDATE items SET qty = 0 WHERE id = 5";
            IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> StatementPipeline.send(connection, List.of(twoInOne, "UPDATE items SET qty = 0 WHERE id = 6")));
            assertTrue(refused.getMessage().contains("nothing was sent"), refused.getMessage());
            assertEquals(3, handle.createQuery("SELECT count(*) FROM items WHERE qty = 10 AND id BETWEEN 4 AND 6").mapTo(Integer.class).one());
        }
    }

    @Test
    void rewritingBatchedInsertsChangesNoCountOfAStatementSentTogether() throws Exception {
        // An administrator's URL may turn on pgjdbc's rewriting of batched INSERTs into multi-row ones; it must not
        // merge statements of a round nor their counts.
        DatabaseTarget rewriting = DatabaseTarget.of("test-db", db.url() + "?reWriteBatchedInserts=true");
        String script = """
                INSERT INTO items VALUES (101, 1);
                INSERT INTO items VALUES (102, 1), (103, 1);
                INSERT INTO items VALUES (104, 1);
                INSERT INTO items VALUES (105, 1), (106, 1), (107, 1);
                INSERT INTO items VALUES (108, 1);
                """;
        RunResult result = Scripts.run(RunRequest.of(Scripts.plan(script), rewriting, Scripts.credentials(), Mode.RUN, "alice")).result();
        assertEquals(RunStatus.COMMITTED, result.status(), () -> String.valueOf(result.failure()));
        assertEquals(List.of(1L, 2L, 1L, 3L, 1L), result.statements().stream().map(StatementResult::rows).toList());
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(db.url() + "?reWriteBatchedInserts=true",
                TestDatabase.RUNNER, TestDatabase.RUNNER_PASSWORD)) {
            connection.setAutoCommit(false);
            StatementPipeline.Answers answers = StatementPipeline.send(connection, List.of("INSERT INTO items VALUES (201, 1)",
                    "INSERT INTO items VALUES (202, 1), (203, 1)", "INSERT INTO items VALUES (204, 1)"));
            connection.rollback();
            assertEquals(List.of(1L, 2L, 1L), java.util.Arrays.stream(answers.rows()).boxed().toList());
        }
    }
}
