package io.jenkins.plugins.prodscript.job;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.AbstractProject;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.model.ItemGroup;
import hudson.model.Queue;
import hudson.model.TopLevelItem;
import hudson.tasks.Publisher;
import hudson.util.DescribableList;
import hudson.util.FormValidation;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.kohsuke.stapler.verb.POST;

/**
 * "Run Production Script": a job that checks out a repository of reviewed SQL scripts and runs one of them on a
 * target database. Its configuration is the SCM, the scripts directory and the targets it may use; there are no
 * build steps, so configuring it never means running arbitrary commands. How careful a run must be (approvals,
 * timeouts) comes from the global target configuration, which the job cannot change.
 *
 * <p>A {@link Queue.FlyweightTask}, as a matrix project's parent is: a build takes none of an agent's numbered
 * executors. The queue runs it on a one-off executor of a node matching the job's label ("Restrict where this project
 * can be run"), or on the built-in node when there is no label; either way the agent's executors stay free for other
 * builds during the hours a run may wait for approvals. The build still checks out and runs on that node
 * (see {@link ScriptRunBuild} for why a production target needs a label).
 */
public final class ScriptRunProject extends AbstractProject<ScriptRunProject, ScriptRunBuild>
        implements TopLevelItem, Queue.FlyweightTask {
    static final String DEFAULT_SCRIPTS_DIRECTORY = "scripts";

    private static final Logger LOGGER = Logger.getLogger(ScriptRunProject.class.getName());

    private String scriptsDirectory = DEFAULT_SCRIPTS_DIRECTORY;
    private List<String> allowedTargets = new ArrayList<>();
    /** Always empty: the job has no publishers, but the base class needs a list. */
    private transient DescribableList<Publisher, Descriptor<Publisher>> publishers;

    public ScriptRunProject(ItemGroup parent, String name) {
        super(parent, name);
    }

    /** The directory, relative to the checkout, that scripts must be under; empty means anywhere in the checkout. */
    public String getScriptsDirectory() {
        return scriptsDirectory == null ? DEFAULT_SCRIPTS_DIRECTORY : scriptsDirectory;
    }

    public void setScriptsDirectory(String scriptsDirectory) throws IOException {
        this.scriptsDirectory = ScriptPathRule.normalizeDirectory(scriptsDirectory);
        ScriptParameters.impose(this);
        save();
    }

    /** The targets builds of this job may choose from, in the order offered. */
    public List<String> getAllowedTargets() {
        return allowedTargets == null ? List.of() : List.copyOf(allowedTargets);
    }

    /** For the configuration form: the allowed targets, comma-separated. */
    public String getAllowedTargetsText() {
        return String.join(", ", getAllowedTargets());
    }

    public void setAllowedTargets(List<String> targets) throws IOException {
        this.allowedTargets = new ArrayList<>(targets);
        ScriptParameters.impose(this);
        save();
    }

    @Override
    protected Class<ScriptRunBuild> getBuildClass() {
        return ScriptRunBuild.class;
    }

    @Override
    public boolean isFingerprintConfigured() {
        return false;
    }

    @Override
    public synchronized DescribableList<Publisher, Descriptor<Publisher>> getPublishersList() {
        if (publishers == null) {
            publishers = new DescribableList<>(this);
        }
        return publishers;
    }

    @Override
    public void onCreatedFromScratch() {
        super.onCreatedFromScratch();
        imposeParameters();
    }

    /**
     * Also runs after {@code config.xml} is posted: hand-edited parameters are replaced there too. A job must always
     * load, so a failure to save the replaced parameters is only logged: they are in effect in memory, builds check
     * their parameters against the job anyway, and the next save writes them.
     */
    @Override
    public void onLoad(ItemGroup<? extends Item> parent, String name) throws IOException {
        super.onLoad(parent, name);
        try {
            ScriptParameters.impose(this);
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "Could not save the derived parameters of " + getFullName(), e);
        }
    }

    @Override
    protected void submit(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException, ServletException, Descriptor.FormException {
        super.submit(req, rsp);
        JSONObject json = req.getSubmittedForm();
        String directory = json.optString("scriptsDirectory", DEFAULT_SCRIPTS_DIRECTORY);
        Optional<String> problem = ScriptPathRule.directoryProblem(directory);
        if (problem.isPresent()) {
            throw new Descriptor.FormException(problem.get(), "scriptsDirectory");
        }
        List<String> targets = TargetList.parse(json.optString("allowedTargets", ""));
        Optional<String> unknown = TargetList.problem(targets);
        if (unknown.isPresent()) {
            throw new Descriptor.FormException(unknown.get(), "allowedTargets");
        }
        this.scriptsDirectory = ScriptPathRule.normalizeDirectory(directory);
        this.allowedTargets = new ArrayList<>(targets);
        ScriptParameters.impose(this);
    }

    private void imposeParameters() {
        try {
            ScriptParameters.impose(this);
        } catch (IOException e) {
            throw new IllegalStateException("could not save the parameters of " + getFullName(), e);
        }
    }

    @Override
    public DescriptorImpl getDescriptor() {
        return (DescriptorImpl) Jenkins.get().getDescriptorOrDie(getClass());
    }

    /** The comma- or space-separated list of targets in the job form. */
    static final class TargetList {
        private TargetList() {
        }

        static List<String> parse(String text) {
            return Arrays.stream(text.split("[,\\s]+")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        }

        /** Why the list is not acceptable (empty, or naming a target that is not configured), or empty when it is. */
        static Optional<String> problem(List<String> targets) {
            if (targets.isEmpty()) {
                return Optional.of("Allow at least one target.");
            }
            List<String> configured = ProductionScriptTargets.get().names();
            List<String> unknown = targets.stream().filter(t -> !configured.contains(t)).toList();
            if (!unknown.isEmpty()) {
                return Optional.of("Not configured in Manage Jenkins » System: " + String.join(", ", unknown)
                        + ". Configured targets: " + (configured.isEmpty() ? "none" : String.join(", ", configured)) + ".");
            }
            return Optional.empty();
        }
    }

    @Extension
    @Symbol("productionScriptJob")
    public static final class DescriptorImpl extends AbstractProjectDescriptor {
        @NonNull
        @Override
        public String getDisplayName() {
            return "Run Production Script";
        }

        @Override
        public String getDescription() {
            return "Runs reviewed SQL scripts from a repository against a configured PostgreSQL target: rehearsal first,"
                    + " then approvals, then the run, with rescue tables and a full audit trail.";
        }

        @Override
        public String getCategoryId() {
            return "standalone-projects";
        }

        @Override
        public String getIconClassName() {
            return "symbol-prodscript plugin-prodscript";
        }

        @Override
        public ScriptRunProject newInstance(ItemGroup parent, String name) {
            return new ScriptRunProject(parent, name);
        }

        @POST
        public FormValidation doCheckScriptsDirectory(@AncestorInPath Item item, @QueryParameter String value) {
            if (item == null || !item.hasPermission(Item.CONFIGURE)) {
                return FormValidation.ok();
            }
            return ScriptPathRule.directoryProblem(value).map(FormValidation::error).orElseGet(FormValidation::ok);
        }

        @POST
        public FormValidation doCheckAllowedTargets(@AncestorInPath Item item, @QueryParameter String value) {
            if (item == null || !item.hasPermission(Item.CONFIGURE)) {
                return FormValidation.ok();
            }
            return TargetList.problem(TargetList.parse(value)).map(FormValidation::error).orElseGet(FormValidation::ok);
        }
    }
}
