package io.jenkins.plugins.prodscript.step;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.StreamTaskListener;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.run.ScriptRun;
import io.jenkins.plugins.prodscript.target.PasswordMask;
import io.jenkins.plugins.prodscript.target.ScriptCaller;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.GeneralNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * What {@code runScript} and {@code runApprovedScript} share, so both run a script the same way:
 * <ul>
 *   <li>the work runs on the shared pool of {@link GeneralNonBlockingStepExecution}, as the build's authentication
 *       whoever's thread hands it over ({@link #runAsBuild}), holding off a safe restart while it runs;</li>
 *   <li>everything the step writes to the build log, the agent's output included, passes through the targets'
 *       {@link PasswordMask} here on the controller, which holds the password ({@link #listener}); Pipeline applies no
 *       global console filter, so without this a server message echoing the password would reach the log. The step's
 *       failure message, which Pipeline prints itself, is masked the same way. The masked log is made when needed and
 *       never stored, so no password is in the Pipeline's program state;</li>
 *   <li>a stop while work runs does not end the step at once: the work is interrupted, which makes the agent cancel
 *       the engine's run (statement cancelled, transaction rolled back) and report it, and the step ends with the stop
 *       only once the work has recorded that outcome, or after {@link ScriptRun#STOP_WAIT} when the agent cannot
 *       answer (the record then says UNKNOWN and is read from the target's ledger).</li>
 * </ul>
 */
abstract class ScriptStepExecution extends GeneralNonBlockingStepExecution {
    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(ScriptStepExecution.class.getName());

    /** The work in progress, if any: what a stop interrupts and then waits for. */
    private transient volatile Work work;
    /** Why the step was stopped, once it was: the work then never ends the step itself. */
    private transient volatile Throwable stopping;
    private transient volatile TaskListener maskedLog;

    ScriptStepExecution(StepContext context) {
        super(context);
    }

    /** The target the step runs on; its password, and that of the target it rehearses on, are masked in the log. */
    abstract String targetName() throws IOException, InterruptedException;

    /**
     * Runs {@code block} on the shared step thread pool as the build's authentication; any failure fails the step,
     * unless the step was stopped (the stop then ends it).
     */
    final void runAsBuild(Block block) {
        run(() -> {
            Work current = new Work(Thread.currentThread());
            work = current;
            if (stopping != null) {
                // Handed over (say by an approval) just as the step was stopped: nothing more may start.
                end(current);
                return;
            }
            try (ACLContext ignored = ACL.as2(BuildAuthentication.of(build()))) {
                block.run();
            } catch (Exception e) {
                if (stopping == null) {
                    throw withMaskedMessage(e);
                }
                LOGGER.log(Level.FINE, "Stopped: " + getContext(), e);
            } finally {
                end(current);
            }
        });
    }

    /** Forgets {@code ended} unless later work (handed over while it still ran) took its place. */
    private void end(Work ended) {
        if (work == ended) {
            work = null;
        }
        ended.finish();
    }

    /**
     * Stops the step. Work in progress is interrupted and the step ends once it has recorded its outcome (bounded by
     * {@link ScriptRun#STOP_WAIT}); waiting on the timer, never here, since this may be called on the CPS thread.
     */
    @Override
    public void stop(@NonNull Throwable cause) throws Exception {
        stopping = cause;
        Work current = work;
        if (current != null && current.interrupt()) {
            Timer.get().execute(() -> endOnceWorkEnded(current, cause));
        } else {
            super.stop(cause);
        }
    }

    private void endOnceWorkEnded(Work current, Throwable cause) {
        try {
            if (!current.awaitEnd(ScriptRun.STOP_WAIT)) {
                LOGGER.warning(() -> "The work of " + getContext() + " did not end within " + ScriptRun.STOP_WAIT.toSeconds()
                        + " s of the stop; ending the step anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            super.stop(cause);
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "Could not end " + getContext() + " after the stop", e);
        }
    }

    /** Whether the step was stopped: callbacks arriving later must not end it again. */
    final boolean isStopping() {
        return stopping != null;
    }

    /** Ends the step with the summary of run {@code runId}, unless it was stopped (the stop ends it). */
    final void succeed(String runId) throws IOException, InterruptedException {
        ScriptRunAction record = ScriptRunAction.of(build(), runId);
        if (record == null) {
            throw new AbortException("The build has no record of its script run.");
        }
        if (stopping == null) {
            getContext().onSuccess(StepSummary.of(record));
        }
    }

    final ScriptRun scriptRun() throws IOException, InterruptedException {
        return new ScriptRun(build(), getContext().get(FilePath.class), getContext().get(Launcher.class), listener(),
                ScriptCaller.PIPELINE_STEP);
    }

    final Run<?, ?> build() throws IOException, InterruptedException {
        return getContext().get(Run.class);
    }

    /**
     * The build log, masking the target's password. Remotable: what the agent writes comes back through the mask here.
     * Kept in memory only, and made again after a restart.
     */
    final TaskListener listener() throws IOException, InterruptedException {
        TaskListener masked = maskedLog;
        if (masked == null) {
            Charset charset = build().getCharset();
            TaskListener log = getContext().get(TaskListener.class);
            masked = new StreamTaskListener(PasswordMask.wrap(log.getLogger(), List.of(targetName()), charset), charset);
            maskedLog = masked;
        }
        return masked;
    }

    /**
     * The step's failure as Pipeline will print it, through the same mask as the log: a message quoting the password
     * (a server error naming it) becomes an {@link AbortException} with the masked message only, no cause.
     */
    private Exception withMaskedMessage(Exception e) throws IOException, InterruptedException {
        String message = e.getMessage();
        if (message == null) {
            return e;
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (OutputStream mask = PasswordMask.wrap(text, List.of(targetName()), StandardCharsets.UTF_8)) {
            mask.write((message + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String masked = text.toString(StandardCharsets.UTF_8);
        masked = masked.substring(0, masked.length() - 1);
        return masked.equals(message) ? e : new AbortException(masked);
    }

    /** One piece of background work: its thread, to interrupt on a stop, and whether it has ended. */
    private static final class Work {
        private final Thread thread;
        private final CountDownLatch ended = new CountDownLatch(1);
        private boolean finished;

        Work(Thread thread) {
            this.thread = thread;
        }

        /** Interrupts the work if it still runs (never the pool thread's next task); whether it did. */
        synchronized boolean interrupt() {
            if (finished) {
                return false;
            }
            thread.interrupt();
            return true;
        }

        /** On the work's own thread, as it ends: an interrupt that arrived late is not left to the pool's next task. */
        synchronized void finish() {
            finished = true;
            Thread.interrupted();
            ended.countDown();
        }

        boolean awaitEnd(Duration bound) throws InterruptedException {
            return ended.await(bound.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
