package io.jenkins.plugins.prodscript.step;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.prodscript.approval.ApprovalAction;
import io.jenkins.plugins.prodscript.approval.ApprovalOutcome;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.run.ScriptRun;
import java.io.IOException;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code runApprovedScript runId: r.runId}, inside {@code node}: runs a run prepared by
 * {@code runScript mode: 'run', waitForApproval: false} once {@code waitForScriptApproval} saw it approved. The script
 * is read again from the current workspace (which may be another agent's checkout of the same commit) and must have
 * the approved checksum, exactly as when {@code runScript} waits itself. Returns the run's summary.
 */
public final class RunApprovedScriptStep extends PreparedRunStep {
    @DataBoundConstructor
    public RunApprovedScriptStep(String runId) {
        super(runId);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, getRunId());
    }

    /** Runs the approved run the way {@code runScript} runs its own ({@link ScriptStepExecution}). */
    static final class Execution extends ScriptStepExecution {
        private static final long serialVersionUID = 1L;

        private final String runId;

        Execution(StepContext context, String runId) {
            super(context);
            this.runId = runId;
        }

        @Override
        String targetName() throws IOException, InterruptedException {
            ScriptRunAction record = ScriptRunAction.of(build(), runId);
            return record == null ? "" : record.getTargetName();
        }

        @Override
        public boolean start() {
            runAsBuild(this::runApproved);
            return false;
        }

        private void runApproved() throws Exception {
            Run<?, ?> build = build();
            ApprovalAction approval = ApprovalAction.of(build, runId);
            ApprovalOutcome outcome = approval == null ? null : approval.outcome();
            if (outcome == null || !outcome.isDecided()) {
                throw new AbortException("Run " + runId + " is not decided yet; wait with waitForScriptApproval"
                        + " first (outside node). Nothing was run.");
            }
            scriptRun().complete(ScriptRun.preparedIn(build, runId), outcome);
            succeed(runId);
        }
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "runApprovedScript";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Run a prepared production SQL script once approved";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, Launcher.class);
        }
    }
}
