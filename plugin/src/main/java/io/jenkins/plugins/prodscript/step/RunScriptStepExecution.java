package io.jenkins.plugins.prodscript.step;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import io.jenkins.plugins.prodscript.approval.ApprovalAction;
import io.jenkins.plugins.prodscript.approval.ApprovalOutcome;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.run.LedgerReconciliation;
import io.jenkins.plugins.prodscript.run.PreparedRun;
import io.jenkins.plugins.prodscript.run.ScriptRun;
import io.jenkins.plugins.prodscript.run.ScriptRunSpec;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Runs {@code runScript} asynchronously, in the manner of the {@code input} step: {@link #start()} returns at once,
 * the work happens as {@link ScriptStepExecution} describes (shared pool, the build's authentication, masked log, a
 * stop that waits for the agent's rollback), and while approvals are awaited no thread is held. The approval itself is
 * kept by the build's {@link ApprovalAction}; this execution keeps only the prepared run (plain values, in the
 * Pipeline's program state), so after a controller restart {@link #onResume()} reattaches to the approval and carries on.
 */
final class RunScriptStepExecution extends ScriptStepExecution {
    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(RunScriptStepExecution.class.getName());

    private final ScriptRunSpec spec;
    /** False when the Pipeline waits and runs in later steps ({@link WaitForScriptApprovalStep}). */
    private final boolean waitForApproval;
    /** The engine run id of this step's run, once prepared (several steps of one build each have their own). */
    private String runId;
    /** Set once the rehearsal succeeded and approvals are awaited. */
    private PreparedRun waiting;
    /** Set once the approved run has started on the target: a restart after that must not run it again. */
    private boolean runStarted;

    RunScriptStepExecution(StepContext context, ScriptRunSpec spec, boolean waitForApproval) {
        super(context);
        this.spec = spec;
        this.waitForApproval = waitForApproval;
    }

    @Override
    String targetName() {
        return spec.getTargetName();
    }

    @Override
    public boolean start() {
        runAsBuild(this::prepare);
        return false;
    }

    /** Plans and rehearses; for a rehearsal that is all, otherwise the approval is opened and awaited. */
    private void prepare() throws Exception {
        ScriptRun scriptRun = scriptRun();
        PreparedRun prepared = scriptRun.prepare(spec);
        runId = prepared.getRunId();
        if (!prepared.needsApproval()) {
            succeed(runId);
            return;
        }
        if (!waitForApproval) {
            ApprovalAction.open(build(), scriptRun.approvalRequest(prepared), listener());
            succeed(runId);
            return;
        }
        waiting = prepared;
        getContext().saveState().get();
        ApprovalAction approval = ApprovalAction.open(build(), scriptRun.approvalRequest(prepared), listener());
        approval.whenDecided(this::decided);
    }

    /**
     * Called by whoever settled the approval (an approver's web request or the expiry timer): hands over to a worker
     * thread that runs as the build, not as the approver who happened to settle it.
     */
    private void decided(ApprovalOutcome outcome) {
        if (isStopping()) {
            return;
        }
        runAsBuild(() -> complete(outcome));
    }

    private void complete(ApprovalOutcome outcome) throws Exception {
        if (outcome.isApproved()) {
            runStarted = true;
            getContext().saveState().get();
        }
        scriptRun().complete(waiting, outcome);
        succeed(runId);
    }

    /**
     * After a controller restart: a run waiting for approval reattaches to it; a run that was rehearsing (always rolled
     * back) or running cannot be resumed in the middle, and says where its outcome can be found.
     */
    @Override
    public void onResume() {
        if (runStarted) {
            // Never started again; the target's ledger says whether it committed, and the step ends as it says.
            runAsBuild(() -> LedgerReconciliation.start(build(), runId, "Jenkins restarted while run " + waiting.getRunId()
                    + " was running on " + waiting.getTargetName() + "; it was not started again.", this::reconciled));
        } else if (waiting != null) {
            runAsBuild(this::reattach);
        } else {
            getContext().onFailure(new AbortException("Jenkins restarted while the script was being planned or rehearsed;"
                    + " rehearsals always roll back, so nothing was changed. Run the step again."));
        }
    }

    private void reconciled(ScriptRunStatus status) {
        try {
            if (status == ScriptRunStatus.COMMITTED) {
                succeed(runId);
            } else {
                getContext().onFailure(new AbortException("Run " + waiting.getRunId() + " did not commit ("
                        + status.getWords() + "), according to the target's ledger."));
            }
        } catch (IOException | InterruptedException e) {
            getContext().onFailure(e);
        }
    }

    private void reattach() throws Exception {
        ApprovalAction existing = ApprovalAction.of(build(), runId);
        if (existing == null) {
            throw new AbortException("The build lost its approval record for run " + waiting.getRunId() + ". Nothing was run.");
        }
        ApprovalAction.open(build(), existing.getRequest(), listener()).whenDecided(this::decided);
    }

    /**
     * Stopping while approvals are awaited settles the wait as cancelled (nothing ran); stopping while work runs waits
     * for it as {@link ScriptStepExecution#stop} says.
     */
    @Override
    public void stop(@NonNull Throwable cause) throws Exception {
        if (waiting != null && !runStarted) {
            Run<?, ?> build = build();
            // execute, not submit: nobody reads a Future here, and the timer pool logs what the task throws.
            Timer.get().execute(() -> stopWaiting(build));
        }
        super.stop(cause);
    }

    private void stopWaiting(Run<?, ?> build) {
        try {
            ScriptRun.stopWaiting(build, runId, "the step was stopped");
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "Could not record the stop of " + getContext(), e);
        }
    }

    @Override
    public String getStatus() {
        if (blocksRestart()) {
            return super.getStatus();
        }
        if (runStarted) {
            return "running " + waiting.getRunId() + " on " + waiting.getTargetName();
        }
        return waiting == null ? "planning and rehearsing" : "waiting for approval of run " + waiting.getRunId();
    }
}
