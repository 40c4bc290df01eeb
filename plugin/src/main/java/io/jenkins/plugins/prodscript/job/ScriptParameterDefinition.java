package io.jenkins.plugins.prodscript.job;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.ParameterDefinition;
import hudson.model.StringParameterDefinition;
import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.Stapler;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * SCRIPT on "Build with Parameters": free text, with the scripts of the job's last checkout offered as choices. The
 * value is an ordinary string parameter; whatever is typed or chosen is checked when the build runs (under the
 * scripts directory, inside the checkout, by the job and the engine), since the checkout it is read from is the
 * build's own, not the one the form was filled from.
 */
public final class ScriptParameterDefinition extends StringParameterDefinition {
    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(ScriptParameterDefinition.class.getName());

    @DataBoundConstructor
    public ScriptParameterDefinition(String name, String description) {
        super(name, "", description);
    }

    /**
     * The {@code .sql} files under the job's scripts directory in a workspace of its last checkout, for the form;
     * empty when there is none, or no agent holding one is connected now.
     */
    public List<String> getChoices() {
        StaplerRequest2 request = Stapler.getCurrentRequest2();
        ScriptRunProject project = request == null ? null : request.findAncestorObject(ScriptRunProject.class);
        return project == null ? List.of() : choicesFor(project);
    }

    static List<String> choicesFor(ScriptRunProject project) {
        FilePath workspace = project.getSomeWorkspace();
        if (workspace == null) {
            return List.of();
        }
        try {
            return workspace.act(new ListScripts(project.getScriptsDirectory()));
        } catch (IOException e) {
            LOGGER.log(Level.FINE, "Could not list the scripts of " + project.getFullName(), e);
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    @Extension
    public static final class DescriptorImpl extends ParameterDefinition.ParameterDescriptor {
        @NonNull
        @Override
        public String getDisplayName() {
            return "Production script (offered from the last checkout)";
        }
    }
}
