package io.jenkins.plugins.prodscript.run;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.TaskListener;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jenkins.security.MasterToSlaveCallable;

/**
 * Waits, on the controller, for the report of an engine run executing on an agent, and turns a stop of the waiting
 * thread (the job type's Abort, a Pipeline's stop) into a cancel of the run itself: the agent cancels the running
 * statement on the server and rolls back, and the run's own report, saying CANCELLED, still comes back. Only when the
 * agent does not answer within {@link #REPORT_WAIT} does the caller learn nothing, and the target's ledger decides.
 */
final class RunCancellation {
    /** The agent's bound for the engine's rollback, plus time for the report to travel back. */
    static final Duration REPORT_WAIT = CancellableRun.ROLLBACK_WAIT.plusSeconds(30);

    private RunCancellation() {
    }

    /**
     * The report of {@code pending}, the run {@code runId} started at {@code root}.
     *
     * @return the report; after a stop, the report of the cancelled run (or of a run that had committed already), with
     *         the thread's interrupt flag set again so the caller knows it was stopped
     * @throws InterruptedException when stopped and the agent did not report within {@link #REPORT_WAIT}: the outcome
     *                              is then unknown here
     */
    static ExecutionReport await(FilePath root, String runId, Future<ExecutionReport> pending, TaskListener listener)
            throws IOException, InterruptedException {
        try {
            return pending.get();
        } catch (ExecutionException e) {
            throw failure(e);
        } catch (InterruptedException stop) {
            listener.getLogger().println("Stop requested: cancelling run " + runId + " on the agent and waiting up to "
                    + REPORT_WAIT.toSeconds() + " s for its rollback");
            ExecutionReport report = cancelAndAwait(root, runId, pending);
            Thread.currentThread().interrupt();
            return report;
        }
    }

    private static ExecutionReport cancelAndAwait(FilePath root, String runId, Future<ExecutionReport> pending)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + REPORT_WAIT.toNanos();
        try {
            root.act(new CancelRun(runId));
            return pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw failure(e);
        } catch (IOException e) {
            throw stillUnknown(runId, "the agent could not be asked to cancel it: " + e.getMessage());
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw stillUnknown(runId, "the agent did not report within " + REPORT_WAIT.toSeconds() + " s");
        } catch (InterruptedException e) {
            throw stillUnknown(runId, "the wait for the agent's report was stopped too");
        }
    }

    private static InterruptedException stillUnknown(String runId, String why) {
        return new InterruptedException("Stopped; the outcome of run " + runId + " is not known here (" + why + ")");
    }

    /** A remote failure as the exception it was: an {@link AbortException} stays one, so its message reaches the log. */
    private static IOException failure(ExecutionException e) {
        Throwable cause = e.getCause();
        return cause instanceof IOException io ? io : new IOException("The run failed on the agent: " + cause, cause);
    }

    /** On the agent: cancels the run there, if it is executing (or makes it start cancelled). */
    private static final class CancelRun extends MasterToSlaveCallable<Boolean, IOException> {
        private static final long serialVersionUID = 1L;
        private final String runId;

        CancelRun(String runId) {
            this.runId = runId;
        }

        @Override
        public Boolean call() {
            return CancellableRun.cancel(runId);
        }
    }
}
