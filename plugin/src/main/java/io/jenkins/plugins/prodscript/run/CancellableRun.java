package io.jenkins.plugins.prodscript.run;

import io.prodscript.engine.execution.Execution;
import io.prodscript.engine.execution.RunResult;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs an engine execution so that aborting the build rolls it back cleanly. The execution runs on its own thread;
 * when the calling thread is interrupted (the build's abort button, which remoting turns into an interrupt on the
 * agent), it cancels the execution and waits for the engine to confirm the rollback before returning.
 */
final class CancellableRun {
    /** Long enough for PostgreSQL to cancel a statement and roll back; a bound so an abort cannot hang forever. */
    private static final long ROLLBACK_WAIT_SECONDS = 120;

    private CancellableRun() {
    }

    /**
     * @return the engine's result; after an interrupt, the cancelled (rolled-back) result, with the thread's
     *         interrupt flag set again so the caller still knows the build was aborted
     */
    static RunResult run(Execution execution, PrintStream console) throws IOException {
        FutureTask<RunResult> task = new FutureTask<>(execution::run);
        Thread worker = new Thread(task, "prodscript run " + execution.runId());
        worker.setDaemon(true);
        worker.start();
        try {
            return task.get();
        } catch (InterruptedException e) {
            console.println("Abort requested: cancelling run " + execution.runId() + " and waiting for the database to roll back");
            execution.cancel();
            RunResult result = awaitRollback(task, execution.runId());
            Thread.currentThread().interrupt();
            return result;
        } catch (ExecutionException e) {
            // Only the message crosses back: the cause may be a class the controller's remoting filter refuses.
            throw new IOException("The engine failed unexpectedly on run " + execution.runId() + ": " + e.getCause());
        }
    }

    private static RunResult awaitRollback(FutureTask<RunResult> task, String runId) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROLLBACK_WAIT_SECONDS);
        while (true) {
            try {
                return task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException again) {
                // Already cancelling; keep waiting for the rollback.
            } catch (ExecutionException e) {
                throw new IOException("The engine failed while cancelling run " + runId + ": " + e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("Run " + runId + " was cancelled, but the engine did not confirm the rollback within "
                        + ROLLBACK_WAIT_SECONDS + " s; the target's ledger (script_runner.runs) shows its final state");
            }
        }
    }
}
