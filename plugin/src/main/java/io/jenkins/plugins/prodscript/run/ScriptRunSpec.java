package io.jenkins.plugins.prodscript.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import java.io.Serializable;

/**
 * What a build asked to run, before anything was checked against a database: the script, the target, the mode and,
 * for a revert, the run to reverse. Serializable because a waiting Pipeline step keeps it in its program state.
 */
public final class ScriptRunSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String scriptPath;
    private final String targetName;
    private final RunMode mode;
    private final String revertRunId;
    /** For a revert: put the rows back with the target's triggers suppressed (absent in older program state: false). */
    private final boolean suppressTriggers;

    private ScriptRunSpec(String scriptPath, String targetName, RunMode mode, String revertRunId, boolean suppressTriggers) {
        this.scriptPath = scriptPath;
        this.targetName = targetName;
        this.mode = mode;
        this.revertRunId = revertRunId;
        this.suppressTriggers = suppressTriggers;
    }

    /**
     * @param scriptPath  the script relative to the checkout; ignored for a revert
     * @param targetName  the configured target's name
     * @param mode        {@code rehearse}, {@code run} or {@code revert}
     * @param revertRunId for a revert, the engine run id to reverse; otherwise ignored
     * @throws AbortException when something required is missing
     */
    public static ScriptRunSpec of(@CheckForNull String scriptPath, @CheckForNull String targetName,
                                   @CheckForNull String mode, @CheckForNull String revertRunId) throws AbortException {
        RunMode runMode = RunMode.parse(mode == null || mode.isBlank() ? RunMode.REHEARSE.id() : mode);
        if (targetName == null || targetName.isBlank()) {
            throw new AbortException("No target given. Nothing was run.");
        }
        if (runMode == RunMode.REVERT) {
            if (revertRunId == null || revertRunId.isBlank()) {
                throw new AbortException("A revert needs the id of the run to reverse (REVERT_RUN_ID). Nothing was run.");
            }
            return new ScriptRunSpec(null, targetName.strip(), runMode, revertRunId.strip(), false);
        }
        if (scriptPath == null || scriptPath.isBlank()) {
            throw new AbortException("No script given. Nothing was run.");
        }
        return new ScriptRunSpec(scriptPath.strip(), targetName.strip(), runMode, null, false);
    }

    /**
     * The same revert, generated with the target's triggers suppressed ({@code session_replication_role = replica}):
     * rows come back exactly as they were, and no trigger fires again; only a login allowed to set that setting can
     * run it, others are refused with nothing changed.
     *
     * @throws AbortException when this is not a revert
     */
    public ScriptRunSpec withTriggersSuppressed(boolean suppress) throws AbortException {
        if (suppress && mode != RunMode.REVERT) {
            throw new AbortException("Triggers can be suppressed only for a revert; a " + mode.id()
                    + " fires them as the script acknowledges. Nothing was run.");
        }
        return new ScriptRunSpec(scriptPath, targetName, mode, revertRunId, suppress);
    }

    /** The script relative to the checkout; null for a revert. */
    public @CheckForNull String getScriptPath() {
        return scriptPath;
    }

    public String getTargetName() {
        return targetName;
    }

    public RunMode getMode() {
        return mode;
    }

    /** The run a revert reverses; null otherwise. */
    public @CheckForNull String getRevertRunId() {
        return revertRunId;
    }

    /** Whether a revert puts the rows back with the target's triggers suppressed. */
    public boolean isSuppressTriggers() {
        return suppressTriggers;
    }
}
