package io.prodscript.engine.testing;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.DatabaseTarget;
import io.prodscript.engine.execution.Execution;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunEvent;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.script.Script;
import io.prodscript.engine.script.ScriptReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Builds plans from SQL text and runs them against a {@link TestDatabase}, collecting the events. */
public final class Scripts {
    private Scripts() {
    }

    public static Script script(String sql) {
        return script("scripts/test.sql", sql);
    }

    public static Script script(String path, String sql) {
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        return new Script(path, sql, ScriptReader.sha256(bytes), bytes.length);
    }

    public static Plan plan(String sql) {
        return ScriptEngine.create().plan(script(sql));
    }

    public static DatabaseTarget target(TestDatabase db) {
        return db.target();
    }

    /** The runner's login: an ordinary role with the documented grants, as production runs use. */
    public static Credentials credentials() {
        return new Credentials(TestDatabase.RUNNER, TestDatabase.RUNNER_PASSWORD);
    }

    public static RunRequest request(TestDatabase db, String sql, Mode mode) {
        return RunRequest.of(plan(sql), target(db), credentials(), mode, "alice");
    }

    /** A run's result with the events it emitted. */
    public record Outcome(RunResult result, List<RunEvent> events) {
    }

    public static Outcome run(RunRequest request) {
        List<RunEvent> events = new CopyOnWriteArrayList<>();
        RunResult result = ScriptEngine.create().prepare(request, events::add).run();
        return new Outcome(result, events);
    }

    /**
     * Starts a run on another thread and returns once its statement {@code number} has started, so a test can act
     * while the run is inside its transaction.
     */
    public static CompletableFuture<RunResult> startUntil(ScriptEngine engine, RunRequest request, int number)
            throws InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        Execution execution = engine.prepare(request, event -> {
            if (event instanceof RunEvent.StatementStarted started && started.number() == number) {
                reached.countDown();
            }
        });
        CompletableFuture<RunResult> result = CompletableFuture.supplyAsync(execution::run);
        if (!reached.await(20, TimeUnit.SECONDS)) {
            throw new AssertionError("the run never reached statement " + number + ": " + result.getNow(null));
        }
        return result;
    }

    public static Outcome run(TestDatabase db, String sql, Mode mode) {
        return run(request(db, sql, mode));
    }
}
