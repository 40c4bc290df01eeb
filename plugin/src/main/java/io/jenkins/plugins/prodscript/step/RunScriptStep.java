package io.jenkins.plugins.prodscript.step;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.prodscript.run.RunMode;
import io.jenkins.plugins.prodscript.run.ScriptRunSpec;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import java.util.Set;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code runScript script: 'scripts/x.sql', target: 'prod-main', mode: 'run'}: rehearses a script from the current
 * workspace on a configured target and, for {@code run} (or {@code revert} with {@code revertRunId}), waits for
 * approvals without holding a thread, then runs it. Returns the run's summary as a map; fails with the engine's reason
 * when the script is refused or the run rolls back. With {@code waitForApproval: false} it stops once the approval is
 * open; {@link WaitForScriptApprovalStep} and {@link RunApprovedScriptStep} then wait (outside {@code node}) and run.
 */
public final class RunScriptStep extends Step {
    private final String target;
    private String script;
    private String mode = RunMode.REHEARSE.id();
    private String revertRunId;
    private boolean waitForApproval = true;
    private boolean suppressTriggers;

    @DataBoundConstructor
    public RunScriptStep(String target) {
        this.target = target;
    }

    public String getTarget() {
        return target;
    }

    public String getScript() {
        return script;
    }

    /** The script, relative to the workspace. Not needed for a revert. */
    @DataBoundSetter
    public void setScript(String script) {
        this.script = script;
    }

    public String getMode() {
        return mode;
    }

    /** {@code rehearse} (the default), {@code run} or {@code revert}. */
    @DataBoundSetter
    public void setMode(String mode) {
        this.mode = mode == null || mode.isBlank() ? RunMode.REHEARSE.id() : mode;
    }

    public String getRevertRunId() {
        return revertRunId;
    }

    /** For {@code mode: 'revert'}: the run id of the committed run to reverse. */
    @DataBoundSetter
    public void setRevertRunId(String revertRunId) {
        this.revertRunId = revertRunId;
    }

    public boolean isSuppressTriggers() {
        return suppressTriggers;
    }

    /**
     * For {@code mode: 'revert'}: put the rows back with the target's triggers suppressed
     * ({@code session_replication_role = replica}); the target's login must be allowed to set it.
     */
    @DataBoundSetter
    public void setSuppressTriggers(boolean suppressTriggers) {
        this.suppressTriggers = suppressTriggers;
    }

    public boolean isWaitForApproval() {
        return waitForApproval;
    }

    /**
     * For {@code mode: 'run'}: {@code false} returns as soon as the approval is open (status
     * {@code WAITING_FOR_APPROVAL}), so the Pipeline can wait outside {@code node} with {@code waitForScriptApproval}
     * and run the approved script with {@code runApprovedScript}, holding no executor meanwhile.
     */
    @DataBoundSetter
    public void setWaitForApproval(boolean waitForApproval) {
        this.waitForApproval = waitForApproval;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        ScriptRunSpec spec = ScriptRunSpec.of(script, target, mode, revertRunId).withTriggersSuppressed(suppressTriggers);
        if (!waitForApproval && spec.getMode() != RunMode.RUN) {
            throw new AbortException("waitForApproval: false is for mode: 'run' only; a " + spec.getMode().id()
                    + " waits in the step. Nothing was run.");
        }
        return new RunScriptStepExecution(context, spec, waitForApproval);
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "runScript";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Run a production SQL script";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, Launcher.class);
        }

        /** Target names are configuration: only people who may configure the job see them. */
        @POST
        public ListBoxModel doFillTargetItems(@AncestorInPath Item item, @QueryParameter String target) {
            ListBoxModel model = new ListBoxModel();
            if (!mayConfigure(item)) {
                if (target != null && !target.isBlank()) {
                    model.add(target);
                }
                return model;
            }
            ProductionScriptTargets.get().names().forEach(model::add);
            return model;
        }

        /** The modes are no secret, but every form endpoint checks who asks; others get the current value back. */
        @POST
        public ListBoxModel doFillModeItems(@AncestorInPath Item item, @QueryParameter String mode) {
            ListBoxModel model = new ListBoxModel();
            if (!mayConfigure(item)) {
                if (mode != null && !mode.isBlank()) {
                    model.add(mode);
                }
                return model;
            }
            for (RunMode runMode : RunMode.values()) {
                model.add(runMode.id());
            }
            return model;
        }

        @POST
        public FormValidation doCheckScript(@AncestorInPath Item item, @QueryParameter String value, @QueryParameter String mode) {
            if (!mayConfigure(item) || RunMode.REVERT.id().equals(mode)) {
                return FormValidation.ok();
            }
            if (value == null || value.isBlank()) {
                return FormValidation.error("Give the script's path relative to the workspace.");
            }
            return value.strip().endsWith(".sql") ? FormValidation.ok() : FormValidation.error("Scripts end in .sql.");
        }

        private static boolean mayConfigure(Item item) {
            return item == null ? Jenkins.get().hasPermission(Jenkins.ADMINISTER) : item.hasPermission(Item.CONFIGURE);
        }
    }
}
