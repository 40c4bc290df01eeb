package io.prodscript.cli.bench;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunListener;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.script.Script;
import io.prodscript.engine.script.ScriptReader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;

/** Runs scripts and reversals through the engine with rescue, timing the run itself (planning happens before). */
final class EngineRunner {
    private final ScriptEngine engine = ScriptEngine.create();
    private final BenchDatabase database;

    EngineRunner(BenchDatabase database) {
        this.database = database;
    }

    /**
     * What one timed run did.
     *
     * @param runId          the run, for its reversal
     * @param elapsed        from the start of {@code run()} to its return: connecting, capture, statements, commit
     * @param heapPeakBytes  the JVM's used heap at its highest during the run, above the level before it
     * @param rescueTable    the rescue table of its first statement, null when it saved nothing
     */
    record Timed(String runId, Duration elapsed, long heapPeakBytes, String rescueTable) {
    }

    Plan plan(String name, String sql) {
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        return engine.plan(new Script("bench/" + name + ".sql", sql, ScriptReader.sha256(bytes), bytes.length));
    }

    /** Runs a plan; the benchmark repeats scripts, so each run is forced past the ledger's applied-once rule. */
    Timed run(Plan plan) throws InterruptedException {
        return timed(RunRequest.of(plan, database.target(), BenchDatabase.CREDENTIALS, Mode.RUN, "benchmark").withForce(true));
    }

    /** Generates and runs the reversal of a run; only the run is timed, as for the forward run. */
    Timed reverse(String runId) throws SQLException, InterruptedException {
        Plan reversal = engine.reversal(database.target(), BenchDatabase.CREDENTIALS, runId);
        return timed(RunRequest.of(reversal, database.target(), BenchDatabase.CREDENTIALS, Mode.RUN, "benchmark")
                .withRevertsRunId(runId));
    }

    private Timed timed(RunRequest request) throws InterruptedException {
        HeapSampler heap = HeapSampler.start();
        long start = System.nanoTime();
        RunResult result;
        try {
            result = engine.prepare(request, RunListener.NONE).run();
        } finally {
            heap.close();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (result.status() != RunStatus.COMMITTED) {
            throw new IllegalStateException(request.plan().scriptPath() + " did not commit: " + result.failure().describe());
        }
        String rescueTable = result.rescue() == null || result.rescue().captures().isEmpty() ? null
                : result.rescue().captures().get(0).rescueTable();
        return new Timed(result.runId(), elapsed, heap.peakAboveBaseline(), rescueTable);
    }
}
