package io.jenkins.plugins.prodscript.run;

import io.prodscript.engine.execution.Execution;
import io.prodscript.engine.execution.RunResult;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs an engine execution on the agent so that stopping the build rolls it back cleanly, and reports the rollback.
 * The execution runs on its own thread and is known by its run id while it runs, so the controller can cancel it with
 * {@link #cancel} (see {@link RunCancellation}) and still receive the run's report: the engine cancels the running
 * statement on the server, rolls back, and the report says CANCELLED. An interrupt of the calling thread (remoting
 * turns a controller-side cancel of the call into one) cancels it the same way.
 */
final class CancellableRun {
    /**
     * How long the engine gets to confirm the rollback after a cancel. PostgreSQL answers a cancelled statement and a
     * ROLLBACK at once; the engine's own bound on any answer is the target's socket timeout (default 60 s), after
     * which the connection counts as lost and the server rolls the transaction back by itself.
     */
    static final Duration ROLLBACK_WAIT = Duration.ofSeconds(60);

    /** The runs executing in this JVM, by run id. */
    private static final Map<String, Execution> RUNNING = new ConcurrentHashMap<>();
    /**
     * Runs cancelled before they were registered, with when (nanoTime): they start cancelled (the engine then runs
     * nothing). A cancel can also arrive after its run ended; such entries are forgotten after {@link #EARLY_CANCEL_KEPT}
     * so that an agent that runs for months does not collect them.
     */
    private static final Map<String, Long> CANCELLED_EARLY = new ConcurrentHashMap<>();
    static final Duration EARLY_CANCEL_KEPT = Duration.ofMinutes(10);

    private CancellableRun() {
    }

    /**
     * @return the engine's result; after a cancel, the cancelled (rolled-back) result. After an interrupt the thread's
     *         interrupt flag is set again so the caller still knows the build was aborted.
     */
    static RunResult run(Execution execution, PrintStream console) throws IOException {
        String runId = execution.runId();
        RUNNING.put(runId, execution);
        if (CANCELLED_EARLY.remove(runId) != null) {
            execution.cancel();
        }
        try {
            FutureTask<RunResult> task = new FutureTask<>(execution::run);
            Thread worker = new Thread(task, "prodscript run " + runId);
            worker.setDaemon(true);
            worker.start();
            try {
                return task.get();
            } catch (InterruptedException e) {
                console.println("Abort requested: cancelling run " + runId + " and waiting for the database to roll back");
                execution.cancel();
                RunResult result = awaitRollback(task, runId);
                Thread.currentThread().interrupt();
                return result;
            } catch (ExecutionException e) {
                // Only the message crosses back: the cause may be a class the controller's remoting filter refuses.
                throw new IOException("The engine failed unexpectedly on run " + runId + ": " + e.getCause());
            }
        } finally {
            RUNNING.remove(runId);
        }
    }

    /**
     * Cancels run {@code runId} in this JVM: the engine cancels the running statement and rolls back, and the run's
     * {@link #run} returns the cancelled result. A run not started yet starts cancelled.
     *
     * @return whether the run was executing
     */
    static boolean cancel(String runId) {
        Execution execution = RUNNING.get(runId);
        if (execution == null) {
            long now = System.nanoTime();
            CANCELLED_EARLY.values().removeIf(at -> now - at > EARLY_CANCEL_KEPT.toNanos());
            CANCELLED_EARLY.put(runId, now);
            return false;
        }
        execution.cancel();
        return true;
    }

    private static RunResult awaitRollback(FutureTask<RunResult> task, String runId) throws IOException {
        long deadline = System.nanoTime() + ROLLBACK_WAIT.toNanos();
        while (true) {
            try {
                return task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException again) {
                // Already cancelling; keep waiting for the rollback.
            } catch (ExecutionException e) {
                throw new IOException("The engine failed while cancelling run " + runId + ": " + e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("Run " + runId + " was cancelled, but the engine did not confirm the rollback within "
                        + ROLLBACK_WAIT.toSeconds() + " s; the target's ledger (script_runner.runs) shows its final state");
            }
        }
    }
}
