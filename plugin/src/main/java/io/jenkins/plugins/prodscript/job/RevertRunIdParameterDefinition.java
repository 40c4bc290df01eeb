package io.jenkins.plugins.prodscript.job;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.ParameterDefinition;
import hudson.model.StringParameterDefinition;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * REVERT_RUN_ID: defined on the job so that a revert build keeps it (Jenkins drops parameters a job does not define),
 * but not shown on "Build with Parameters": revert builds are started by "Revert this run", which fills it in. The
 * form sends it empty, so a build started there is never a revert by accident.
 */
public final class RevertRunIdParameterDefinition extends StringParameterDefinition {
    private static final long serialVersionUID = 1L;

    @DataBoundConstructor
    public RevertRunIdParameterDefinition(String name, String description) {
        super(name, "", description);
    }

    @Extension
    public static final class DescriptorImpl extends ParameterDefinition.ParameterDescriptor {
        @NonNull
        @Override
        public String getDisplayName() {
            return "Production script revert run id (set by Revert this run)";
        }
    }
}
