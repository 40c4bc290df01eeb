package io.jenkins.plugins.prodscript.history;

import static io.jenkins.plugins.prodscript.job.ScriptParameters.MODE;
import static io.jenkins.plugins.prodscript.job.ScriptParameters.REVERT_TRIGGERS;
import static io.jenkins.plugins.prodscript.job.ScriptParameters.REVERT_RUN_ID;
import static io.jenkins.plugins.prodscript.job.ScriptParameters.SCRIPT;
import static io.jenkins.plugins.prodscript.job.ScriptParameters.TARGET;

import hudson.AbortException;
import hudson.model.Job;
import hudson.model.ParameterDefinition;
import hudson.model.ParameterValue;
import hudson.model.ParametersAction;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.Run;
import hudson.model.SimpleParameterDefinition;
import hudson.model.StringParameterValue;
import io.jenkins.plugins.prodscript.job.ScriptParameters;
import io.jenkins.plugins.prodscript.run.RunMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a build that reverts an earlier run: {@code MODE=revert}, {@code REVERT_RUN_ID}, and the original
 * {@code SCRIPT} and {@code TARGET}; every other parameter keeps the original build's value, or its default.
 *
 * <p>All of the job's parameters are given, because Jenkins adds defaults only when a build is scheduled without any,
 * and drops values for parameters the job does not define.
 */
final class RevertParameters {
    private RevertParameters() {
    }

    /**
     * @throws AbortException when the job does not define the parameters a revert needs, so it could not be told to
     *                        revert and would run the script again instead
     */
    static ParametersAction forRevertOf(Run<?, ?> original, ScriptRunRow row, boolean suppressTriggers) throws AbortException {
        Job<?, ?> job = original.getParent();
        ParametersDefinitionProperty property = job.getProperty(ParametersDefinitionProperty.class);
        // One condition for both cases, so no path reaches property.getParameterDefinitions() below with null.
        if (property == null
                || !property.getParameterDefinitionNames().containsAll(List.of(MODE, REVERT_RUN_ID, SCRIPT, TARGET))) {
            throw new AbortException(job.getFullDisplayName() + " does not define the parameters " + MODE + ", "
                    + REVERT_RUN_ID + ", " + SCRIPT + " and " + TARGET + ", so it cannot start a revert");
        }
        if (suppressTriggers && !property.getParameterDefinitionNames().contains(REVERT_TRIGGERS)) {
            throw new AbortException(job.getFullDisplayName() + " does not define the parameter " + REVERT_TRIGGERS
                    + ", so it cannot revert with triggers suppressed");
        }
        Map<String, String> revert = Map.of(MODE, RunMode.REVERT.id(), REVERT_RUN_ID, row.getRunId(),
                SCRIPT, row.getScript(), TARGET, row.getTarget(),
                REVERT_TRIGGERS, suppressTriggers ? ScriptParameters.TRIGGERS_SUPPRESSED : ScriptParameters.TRIGGERS_FIRE);
        ParametersAction originalValues = original.getAction(ParametersAction.class);
        List<ParameterValue> values = new ArrayList<>();
        for (ParameterDefinition definition : property.getParameterDefinitions()) {
            String name = definition.getName();
            ParameterValue kept = originalValues == null ? null : originalValues.getParameter(name);
            if (revert.containsKey(name)) {
                values.add(valueOf(definition, revert.get(name)));
            } else if (kept != null) {
                values.add(kept);
            } else {
                ParameterValue fallback = definition.getDefaultParameterValue();
                if (fallback != null) {
                    values.add(fallback);
                }
            }
        }
        return new ParametersAction(values);
    }

    /** Lets the definition validate the value (a choice parameter refuses a value it does not offer). */
    private static ParameterValue valueOf(ParameterDefinition definition, String value) {
        return definition instanceof SimpleParameterDefinition simple
                ? simple.createValue(value)
                : new StringParameterValue(definition.getName(), value);
    }
}
