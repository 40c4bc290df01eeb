package io.jenkins.plugins.prodscript.job;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.FilePath;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import hudson.model.Executor;
import hudson.model.Result;
import io.jenkins.plugins.prodscript.approval.ApprovalAction;
import io.jenkins.plugins.prodscript.approval.ApprovalOutcome;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.run.PreparedRun;
import io.jenkins.plugins.prodscript.run.ScriptRun;
import io.jenkins.plugins.prodscript.run.ScriptRunSpec;
import io.jenkins.plugins.prodscript.target.ScriptCaller;
import java.io.File;
import java.io.IOException;

/**
 * A build of {@link ScriptRunProject}: the standard runner checks the repository out, then the build rehearses the
 * chosen script and, for a run, waits for approvals on the executor and runs it.
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
            try {
                ScriptRunSpec spec = ScriptParameters.read(ScriptRunBuild.this, getProject());
                ScriptRun scriptRun = new ScriptRun(ScriptRunBuild.this, workspace, getLauncher(), listener,
                        ScriptCaller.SCRIPT_JOB);
                PreparedRun prepared = scriptRun.prepare(spec);
                if (prepared.needsApproval()) {
                    ApprovalAction approval = ApprovalAction.open(ScriptRunBuild.this, scriptRun.approvalRequest(prepared), listener);
                    ApprovalOutcome outcome = approval.await(listener);
                    scriptRun.complete(prepared, outcome);
                }
                return Result.SUCCESS;
            } catch (AbortException e) {
                listener.error(e.getMessage());
                return Result.FAILURE;
            } catch (InterruptedException e) {
                recordAbortWhileWaiting(listener);
                Executor executor = Executor.currentExecutor();
                if (executor == null) {
                    throw e;
                }
                executor.recordCauseOfInterruption(ScriptRunBuild.this, listener);
                return executor.abortResult();
            }
        }

        /**
         * The abort button interrupts the executor; while the build waits in {@link ApprovalAction#await} nothing else
         * records it, so the audit record would keep saying it waits. Planning and running record their own aborts.
         */
        private void recordAbortWhileWaiting(BuildListener listener) {
            ScriptRunAction record = ScriptRunAction.of(ScriptRunBuild.this);
            if (record == null || record.getStatus() != ScriptRunStatus.WAITING_FOR_APPROVAL) {
                return; // planning and running record their own aborts; a run in doubt is read from the ledger
            }
            record.setStatus(ScriptRunStatus.CANCELLED, "Aborted while waiting for approval; nothing was run.");
            try {
                ScriptRunBuild.this.save();
            } catch (IOException x) {
                listener.error("Could not save the build record: " + x.getMessage());
            }
        }

        @Override
        protected void post2(@NonNull BuildListener listener) {
            // No publishers: everything the build produces is archived by the run itself.
        }
    }
}
