package io.jenkins.plugins.prodscript.target;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.Run;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who may reach a target's login: the target's allow-lists of callers, jobs and agents, checked before the credential
 * is looked up, so a refused build never holds the password, not even on the controller.
 */
public final class TargetAccess {
    /** The label every Jenkins gives its built-in node. */
    static final String BUILT_IN_LABEL = "built-in";

    private TargetAccess() {
    }

    /**
     * Refuses a build the target does not admit.
     *
     * @param workspace where the script would run (its agent is checked against the target's labels)
     * @throws AbortException naming the rule that refused; nothing has touched the database then
     */
    public static void check(Run<?, ?> build, FilePath workspace, ScriptCaller caller, TargetDatabase target)
            throws AbortException {
        Optional<String> refusal = refusal(caller, build.getParent().getFullName(), agentLabels(workspace), target);
        if (refusal.isPresent()) {
            throw new AbortException("Target '" + target.getName() + "': " + refusal.get() + " Nothing was run.");
        }
    }

    /** Why the target refuses this caller, job and agent, or empty when it admits them. */
    static Optional<String> refusal(ScriptCaller caller, String jobFullName, Set<String> agentLabels, TargetDatabase target) {
        if (caller == ScriptCaller.PIPELINE_STEP && !target.isAllowPipelines()) {
            return Optional.of("Pipelines may not use this target; only \"Run Production Script\" jobs may (an"
                    + " administrator can allow Pipelines in the target's settings).");
        }
        if (!TargetRules.jobAllowed(target.allowedJobList(), jobFullName)) {
            return Optional.of("the job " + jobFullName + " is not in the target's list of allowed jobs.");
        }
        if (!TargetRules.agentAllowed(target.allowedAgentLabelList(), agentLabels)) {
            return Optional.of("the agent running this build has none of the target's allowed labels ("
                    + String.join(", ", target.allowedAgentLabelList()) + ").");
        }
        return Optional.empty();
    }

    /** The labels of the node holding {@code workspace}, its own name included; empty when it is not connected. */
    static Set<String> agentLabels(FilePath workspace) {
        Computer computer = workspace.toComputer();
        Node node = computer == null ? null : computer.getNode();
        return node == null ? Set.of() : labelsOf(node.getNodeName(), node.getLabelString());
    }

    static Set<String> labelsOf(@CheckForNull String nodeName, @CheckForNull String labelString) {
        Set<String> labels = new HashSet<>();
        if (labelString != null) {
            Arrays.stream(labelString.split("\\s+")).filter(l -> !l.isBlank()).forEach(labels::add);
        }
        // The built-in node's name is empty; its self label is "built-in".
        labels.add(nodeName == null || nodeName.isEmpty() ? BUILT_IN_LABEL : nodeName);
        return labels;
    }
}
