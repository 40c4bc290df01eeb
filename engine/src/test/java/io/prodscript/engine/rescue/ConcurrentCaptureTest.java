package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunEvent;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Another connection keeps inserting rows that match the script's conditions and moving rows into the matching set
 * while the run goes on. The rescue tables must hold exactly the rows the statements changed: those that matched in
 * the run's snapshot, none of the newcomers.
 */
class ConcurrentCaptureTest {
    private static final String SCRIPT = """
            SELECT pg_sleep(0.5);
            UPDATE jobs SET v = v + 1 WHERE grp = 1;
            DELETE FROM jobs WHERE grp = 3;
            """;

    @ParameterizedTest
    @EnumSource(CaptureMethod.class)
    void rescueTablesHoldExactlyTheRowsTheStatementsChanged(CaptureMethod method) throws Exception {
        TestDatabase db = TestDatabase.create();
        db.execute("""
                CREATE TABLE jobs (id int PRIMARY KEY, grp int NOT NULL, v int NOT NULL);
                INSERT INTO jobs SELECT g, g % 4, g * 10 FROM generate_series(1, 20000) g;
                CREATE TABLE initial AS SELECT * FROM jobs;
                """);
        Rescue rescue = new Rescue(db, method);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        AtomicBoolean started = new AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Handle h = db.jdbi().open()) {
                int next = 100_000;
                while (running.get()) {
                    if (!started.get()) {
                        Thread.onSpinWait();
                        continue;
                    }
                    h.execute("INSERT INTO jobs VALUES (?, 1, 0), (?, 3, 0)", next++, next++);
                    h.execute("UPDATE jobs SET grp = CASE WHEN id % 2 = 0 THEN 1 ELSE 3 END WHERE id = (SELECT min(id) FROM jobs WHERE grp = 2)");
                    writes.incrementAndGet();
                }
            }
        });
        RunRequest request = RunRequest.of(rescue.plan(SCRIPT), Scripts.target(db), Scripts.credentials(), Mode.RUN, "alice");
        // The run's snapshot is taken before its first statement starts; from then on the writer is busy.
        RunResult run = rescue.engine().prepare(request, event -> {
            if (event instanceof RunEvent.StatementStarted) {
                started.set(true);
            }
        }).run();
        running.set(false);
        writer.get(20, TimeUnit.SECONDS);

        assertEquals(RunStatus.COMMITTED, run.status(), () -> String.valueOf(run.failure()));
        assertTrue(writes.get() > 10, "the writer was busy during the run: " + writes.get());
        String updated = run.rescue().captures().get(0).rescueTable();
        String deleted = run.rescue().captures().get(1).rescueTable();
        // Exactly the rows that matched when the run began, with the values they had then.
        assertEquals(rows(rescue, "initial WHERE grp = 1"), rows(rescue, updated));
        assertEquals(rows(rescue, "initial WHERE grp = 3"), rows(rescue, deleted));
        // And exactly the rows the run changed: those it last wrote carry its transaction id.
        String xid = rescue.single("SELECT manifest->>'transactionId' FROM script_runner.rescue_manifests WHERE run_id = '" + run.runId() + "'");
        String changedByRun = "jobs WHERE xmin = CAST('" + xid + "' AS xid8)::xid";
        assertEquals(rescue.single("SELECT count(*) || ' ' || md5(string_agg(id::text, ',' ORDER BY id)) FROM " + updated),
                rescue.single("SELECT count(*) || ' ' || md5(string_agg(id::text, ',' ORDER BY id)) FROM " + changedByRun));
        assertEquals(run.statements().get(1).rows(), run.rescue().captures().get(0).rowsCaptured());
        assertEquals(run.statements().get(2).rows(), run.rescue().captures().get(1).rowsCaptured());
    }

    /** How many rows, and a digest of their ids and values: equal digests, equal rows. */
    private static String rows(Rescue rescue, String from) {
        return rescue.single("SELECT count(*) || ' ' || md5(string_agg(id || ':' || v, ',' ORDER BY id)) FROM " + from);
    }
}
