package io.jenkins.plugins.prodscript.step;

import org.jenkinsci.plugins.workflow.steps.Step;

/** A step about a run that {@code runScript mode: 'run', waitForApproval: false} prepared in the same build. */
public abstract class PreparedRunStep extends Step {
    private final String runId;

    protected PreparedRunStep(String runId) {
        this.runId = runId;
    }

    /** The prepared run's id, as {@code runScript} returned it ({@code r.runId}). */
    public String getRunId() {
        return runId;
    }
}
