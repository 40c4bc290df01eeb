package io.jenkins.plugins.prodscript.job;

import hudson.AbortException;
import hudson.model.ChoiceParameterDefinition;
import hudson.model.ParameterDefinition;
import hudson.model.ParameterValue;
import hudson.model.ParametersAction;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.Run;
import io.jenkins.plugins.prodscript.run.RunMode;
import io.jenkins.plugins.prodscript.run.ScriptRunSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The build parameters of a "Run Production Script" job. They are derived from the job's configuration, never
 * configured by hand: whatever a configurator puts in "This project is parameterized" is replaced on save and on
 * load, so the parameters always match the job's allowed targets.
 */
public final class ScriptParameters {
    public static final String SCRIPT = "SCRIPT";
    public static final String TARGET = "TARGET";
    public static final String MODE = "MODE";
    public static final String REVERT_RUN_ID = "REVERT_RUN_ID";
    /** For revert builds: {@value #TRIGGERS_FIRE} (the default) or {@value #TRIGGERS_SUPPRESSED}. */
    public static final String REVERT_TRIGGERS = "REVERT_TRIGGERS";
    public static final String TRIGGERS_FIRE = "fire";
    public static final String TRIGGERS_SUPPRESSED = "suppress";

    private ScriptParameters() {
    }

    /** The parameter definitions for {@code project}: the first allowed target and rehearse are the defaults. */
    static List<ParameterDefinition> definitionsFor(ScriptRunProject project) {
        String directory = ScriptPathRule.normalizeDirectory(project.getScriptsDirectory());
        String[] modes = Arrays.stream(RunMode.values()).map(RunMode::id).toArray(String[]::new);
        List<ParameterDefinition> definitions = new ArrayList<>();
        definitions.add(new ScriptParameterDefinition(SCRIPT,
                "The script to run, relative to the checkout" + (directory.isEmpty() ? "" : ", under " + directory + "/")
                        + ", ending in .sql. The scripts of the last checkout are offered; any path is checked when the"
                        + " build reads it."));
        if (!project.getAllowedTargets().isEmpty()) { // a choice needs choices; without any, builds are refused anyway
            definitions.add(new ChoiceParameterDefinition(TARGET, project.getAllowedTargets().toArray(String[]::new),
                    "The database to run it on."));
        }
        definitions.add(new ChoiceParameterDefinition(MODE, modes,
                "rehearse: run and roll back. run: rehearse, wait for approvals, then commit. revert: run the reversal of"
                        + " an earlier run (REVERT_RUN_ID)."));
        definitions.add(new RevertRunIdParameterDefinition(REVERT_RUN_ID,
                "For revert builds only, set by \"Revert this run\": the run id of the committed run to reverse."));
        definitions.add(new ChoiceParameterDefinition(REVERT_TRIGGERS, new String[] {TRIGGERS_FIRE, TRIGGERS_SUPPRESSED},
                "For revert builds only, set by \"Revert this run\": fire (the tables' triggers fire again as rows are"
                        + " put back) or suppress (session_replication_role = replica: rows come back exactly, no trigger"
                        + " fires; the target's login must be allowed to set it)."));
        return definitions;
    }

    /** Makes {@code project}'s parameters the derived ones, saving only when they differ. */
    static void impose(ScriptRunProject project) throws IOException {
        List<ParameterDefinition> wanted = definitionsFor(project);
        ParametersDefinitionProperty current = project.getProperty(ParametersDefinitionProperty.class);
        if (current != null && current.getParameterDefinitions().equals(wanted)) {
            return;
        }
        project.removeProperty(ParametersDefinitionProperty.class);
        project.addProperty(new ParametersDefinitionProperty(wanted));
    }

    /**
     * What {@code build} asks for, checked against the job: the target must be one the job allows, and the script must
     * lie under the job's scripts directory.
     *
     * @throws AbortException with the reason when the request is not acceptable; nothing has run then
     */
    static ScriptRunSpec read(Run<?, ?> build, ScriptRunProject project) throws AbortException {
        ScriptRunSpec spec = ScriptRunSpec.of(value(build, SCRIPT), value(build, TARGET), value(build, MODE),
                value(build, REVERT_RUN_ID)).withTriggersSuppressed(TRIGGERS_SUPPRESSED.equals(value(build, REVERT_TRIGGERS)));
        if (!project.getAllowedTargets().contains(spec.getTargetName())) {
            throw new AbortException("This job may not run scripts on target '" + spec.getTargetName() + "'. Allowed: "
                    + String.join(", ", project.getAllowedTargets()) + ". Nothing was run.");
        }
        if (spec.getScriptPath() != null) {
            var problem = ScriptPathRule.scriptProblem(project.getScriptsDirectory(), spec.getScriptPath());
            if (problem.isPresent()) {
                throw new AbortException(problem.get() + " Nothing was run.");
            }
        }
        return spec;
    }

    private static String value(Run<?, ?> build, String name) {
        ParametersAction parameters = build.getAction(ParametersAction.class);
        ParameterValue value = parameters == null ? null : parameters.getParameter(name);
        Object raw = value == null ? null : value.getValue();
        return raw == null ? null : raw.toString();
    }
}
