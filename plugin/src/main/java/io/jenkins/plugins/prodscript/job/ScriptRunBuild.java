package io.jenkins.plugins.prodscript.job;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.FilePath;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import hudson.model.Executor;
import hudson.model.Node;
import hudson.model.Result;
import io.jenkins.plugins.prodscript.approval.ApprovalAction;
import io.jenkins.plugins.prodscript.approval.ApprovalOutcome;
import io.jenkins.plugins.prodscript.run.PreparedRun;
import io.jenkins.plugins.prodscript.run.ScriptRun;
import io.jenkins.plugins.prodscript.run.ScriptRunSpec;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import io.jenkins.plugins.prodscript.target.ScriptCaller;
import io.jenkins.plugins.prodscript.target.TargetDatabase;
import java.io.File;
import java.io.IOException;
import jenkins.model.Jenkins;

/**
 * A build of {@link ScriptRunProject}: the standard runner checks the repository out, then the build rehearses the
 * chosen script and, for a run, waits for approvals and runs it.
 *
 * <p>The job is a flyweight task, so the build runs on a one-off executor of its node and no numbered executor of an
 * agent is held while approvers decide (the waiting thread sleeps until a decision or the deadline wakes it). Abort
 * works as for any build: while waiting, the wait ends CANCELLED with nothing run; while the script runs, the agent
 * cancels it and the build ends once the agent reported the rollback (see {@code RunCancellation}).
 *
 * <p>Without a label the queue runs a flyweight build on the built-in node, so the checkout and the database login
 * would be on the controller. A production-tier target refuses that unless its administrator admitted the built-in
 * node explicitly (by listing {@code built-in} in the target's allowed agent labels).
 */
public final class ScriptRunBuild extends AbstractBuild<ScriptRunProject, ScriptRunBuild> {
    public ScriptRunBuild(ScriptRunProject project) throws IOException {
        super(project);
    }

    public ScriptRunBuild(ScriptRunProject project, File buildDir) throws IOException {
        super(project, buildDir);
    }

    @Override
    public void run() {
        execute(new ScriptExecution());
    }

    /** The part after the checkout. */
    protected final class ScriptExecution extends AbstractBuildExecution {
        @Override
        protected Result doRun(@NonNull BuildListener listener) throws Exception {
            FilePath workspace = getWorkspace();
            if (workspace == null) {
                listener.error("The build has no workspace. Nothing was run.");
                return Result.FAILURE;
            }
            String waitingRunId = null;
            try {
                ScriptRunSpec spec = ScriptParameters.read(ScriptRunBuild.this, getProject());
                refuseBuiltInNodeForProduction(spec);
                ScriptRun scriptRun = new ScriptRun(ScriptRunBuild.this, workspace, getLauncher(), listener,
                        ScriptCaller.SCRIPT_JOB);
                PreparedRun prepared = scriptRun.prepare(spec);
                if (prepared.needsApproval()) {
                    ApprovalAction approval = ApprovalAction.open(ScriptRunBuild.this, scriptRun.approvalRequest(prepared), listener);
                    waitingRunId = prepared.getRunId();
                    ApprovalOutcome outcome = approval.await(listener);
                    waitingRunId = null;
                    scriptRun.complete(prepared, outcome);
                }
                return Result.SUCCESS;
            } catch (AbortException e) {
                listener.error(e.getMessage());
                return Result.FAILURE;
            } catch (InterruptedException e) {
                if (waitingRunId != null) {
                    ScriptRun.stopWaiting(ScriptRunBuild.this, waitingRunId, "the build was aborted");
                } else if (e.getMessage() != null) {
                    listener.getLogger().println(e.getMessage());
                }
                Executor executor = Executor.currentExecutor();
                if (executor == null) {
                    throw e;
                }
                executor.recordCauseOfInterruption(ScriptRunBuild.this, listener);
                return executor.abortResult();
            }
        }

        /**
         * A job without a label runs on the built-in node. A production target admits that only when its allowed agent
         * labels say so; with no allowed labels at all, the refusal says what to configure.
         */
        private void refuseBuiltInNodeForProduction(ScriptRunSpec spec) throws AbortException {
            Node node = getBuiltOn();
            TargetDatabase target = ProductionScriptTargets.get().named(spec.getTargetName()).orElse(null);
            if (node instanceof Jenkins && target != null && target.isProduction() && target.allowedAgentLabelList().isEmpty()) {
                throw new AbortException("Target '" + target.getName() + "' is a production target, and this job has no"
                        + " label, so the build would check out the scripts and log in to the database on the Jenkins"
                        + " controller. Set \"Restrict where this project can be run\" to the agents that may reach the"
                        + " database (and list them in the target's allowed agent labels), or list built-in there to"
                        + " allow the controller. Nothing was run.");
            }
        }

        @Override
        protected void post2(@NonNull BuildListener listener) {
            // No publishers: everything the build produces is archived by the run itself.
        }
    }
}
