package io.jenkins.plugins.prodscript.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A script that has been planned and rehearsed, with everything the run after approval needs. Plain values only: a
 * waiting Pipeline step keeps it in its program state across controller restarts. It holds no secret; the login is
 * resolved again when the run starts.
 */
public final class PreparedRun implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String runId;
    private final String rehearsalRunId;
    private final RunMode mode;
    private final String scriptPath;
    private final boolean staged;
    private final String displayPath;
    private final String checksum;
    private final String commit;
    private final String targetName;
    private final String requester;
    private final String rehearsalDigest;
    private final ArrayList<String> rehearsalLines;
    private final String revertRunId;

    @SuppressWarnings("checkstyle:ParameterNumber") // one fact of the prepared run each
    PreparedRun(String runId, String rehearsalRunId, RunMode mode, String scriptPath, boolean staged, String displayPath,
                String checksum, String commit, String targetName, String requester, String rehearsalDigest,
                List<String> rehearsalLines, String revertRunId) {
        this.runId = runId;
        this.rehearsalRunId = rehearsalRunId;
        this.mode = mode;
        this.scriptPath = scriptPath;
        this.staged = staged;
        this.displayPath = displayPath;
        this.checksum = checksum;
        this.commit = commit;
        this.targetName = targetName;
        this.requester = requester;
        this.rehearsalDigest = rehearsalDigest;
        this.rehearsalLines = new ArrayList<>(rehearsalLines);
        this.revertRunId = revertRunId;
    }

    /** The engine run id of the run (for a rehearsal-only build, of the rehearsal). */
    public String getRunId() {
        return runId;
    }

    public String getRehearsalRunId() {
        return rehearsalRunId;
    }

    public RunMode getMode() {
        return mode;
    }

    /** Whether the build must wait for approvals before running. */
    public boolean needsApproval() {
        return mode.changesData();
    }

    /** The path the engine reads, relative to the checkout or, for a revert, to the staged reversal's folder. */
    String getScriptPath() {
        return scriptPath;
    }

    /** True when the script is the staged reversal rather than a file of the checkout. */
    boolean isStaged() {
        return staged;
    }

    /** The script as people see it: its checkout path, or "reversal of run …". */
    public String getDisplayPath() {
        return displayPath;
    }

    public String getChecksum() {
        return checksum;
    }

    public @CheckForNull String getCommit() {
        return commit;
    }

    public String getTargetName() {
        return targetName;
    }

    public @CheckForNull String getRequester() {
        return requester;
    }

    public String getRehearsalDigest() {
        return rehearsalDigest;
    }

    public List<String> getRehearsalLines() {
        return List.copyOf(rehearsalLines);
    }

    public @CheckForNull String getRevertRunId() {
        return revertRunId;
    }
}
