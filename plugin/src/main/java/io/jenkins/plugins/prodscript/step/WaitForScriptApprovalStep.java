package io.jenkins.plugins.prodscript.step;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.prodscript.approval.ApprovalAction;
import io.jenkins.plugins.prodscript.approval.ApprovalOutcome;
import io.jenkins.plugins.prodscript.run.ScriptRun;
import java.io.IOException;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code waitForScriptApproval runId: r.runId}: waits for the approval of a run prepared by
 * {@code runScript mode: 'run', waitForApproval: false} in the same build. It needs no {@code node}, so no executor is
 * held while approvers decide, and it holds no thread: the approval wakes it, as Pipeline's {@code input} is woken.
 * Returns {@code APPROVED}; fails, and records the run as not approved, when it is rejected, expires or is cancelled.
 */
public final class WaitForScriptApprovalStep extends PreparedRunStep {
    @DataBoundConstructor
    public WaitForScriptApprovalStep(String runId) {
        super(runId);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, getRunId());
    }

    /** Registers with the build's approval; after a restart it registers again (the approval is kept by the build). */
    static final class Execution extends StepExecution {
        private static final long serialVersionUID = 1L;
        private static final Logger LOGGER = Logger.getLogger(Execution.class.getName());

        private final String runId;
        private transient volatile boolean stopped;

        Execution(StepContext context, String runId) {
            super(context);
            this.runId = runId;
        }

        @Override
        public boolean start() throws Exception {
            approval().whenDecided(this::decided);
            return false;
        }

        @Override
        public void onResume() {
            try {
                approval().whenDecided(this::decided);
            } catch (IOException | InterruptedException e) {
                getContext().onFailure(e);
            }
        }

        /** Stopping the Pipeline while it waits settles the approval as cancelled; nothing ran. */
        @Override
        public void stop(@NonNull Throwable cause) throws Exception {
            stopped = true;
            Run<?, ?> build = getContext().get(Run.class);
            // Not on the CPS thread: settling saves the build.
            Timer.get().execute(() -> stopWaiting(build));
            super.stop(cause);
        }

        private void stopWaiting(Run<?, ?> build) {
            try {
                ScriptRun.stopWaiting(build, runId, "the Pipeline was stopped");
            } catch (IOException e) {
                LOGGER.log(Level.WARNING, "Could not record the stop of the wait for run " + runId, e);
            }
        }

        private void decided(ApprovalOutcome outcome) {
            if (stopped) {
                return; // the stop records it
            }
            if (outcome.isApproved()) {
                getContext().onSuccess(outcome.getState().name());
                return;
            }
            try {
                ScriptRun.recordNotApproved(getContext().get(Run.class), runId, outcome);
            } catch (IOException | InterruptedException e) {
                LOGGER.log(Level.WARNING, "Could not record that run " + runId + " was not approved", e);
            }
            getContext().onFailure(new AbortException("Not approved: " + outcome.getReason() + ". Nothing was changed."));
        }

        private ApprovalAction approval() throws IOException, InterruptedException {
            ApprovalAction approval = ApprovalAction.of(getContext().get(Run.class), runId);
            if (approval == null) {
                throw new AbortException("This build has no approval for run " + runId + "; prepare it first with"
                        + " runScript mode: 'run', waitForApproval: false.");
            }
            return approval;
        }

        @Override
        public String getStatus() {
            return "waiting for approval of run " + runId;
        }
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "waitForScriptApproval";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Wait for the approval of a prepared production SQL script";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
