package io.jenkins.plugins.prodscript.target;

/**
 * What asks for a target's login. The plugin's own job type runs nothing but the script in its build; a Pipeline runs
 * whatever its author wrote next to {@code runScript}, in the same build and often on the same agent.
 */
public enum ScriptCaller {
    /** A build of the "Run Production Script" job type. */
    SCRIPT_JOB,
    /** The {@code runScript} Pipeline step. */
    PIPELINE_STEP
}
