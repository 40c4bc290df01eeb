package io.jenkins.plugins.prodscript.approval;

import io.jenkins.plugins.prodscript.audit.ShortForm;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * What a build asks approvers to approve: one script, at one checksum, on one target, after one rehearsal.
 *
 * <p>Persisted in {@code build.xml} inside {@link ApprovalAction}, so it holds plain values only: engine types come
 * from a bundled library jar that Jenkins' class filter would refuse to (de)serialize, and lists are {@link ArrayList}s
 * because XStream cannot read back the JDK's immutable lists.
 */
@ExportedBean(defaultVisibility = 3)
public final class ApprovalRequest implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String runId;
    private final String scriptPath;
    private final String checksum;
    private final String commit;
    private final String targetName;
    private final String tier;
    private final String mode;
    private final String rehearsalDigest;
    private final String requester;
    private final ArrayList<String> rehearsalLines;
    private final int requiredApprovals;
    private final ArrayList<String> eligibleUsers;
    private final ArrayList<String> eligibleGroups;
    private final long maxWaitMillis;

    /**
     * @param runId             the engine's id of the run waiting for approval
     * @param scriptPath        the script's path in the repository
     * @param checksum          lower-case hexadecimal SHA-256 of the script's text as the engine reads it
     * @param commit            the commit the script was read from, or null if unknown
     * @param targetName        the configured target's name, e.g. {@code prod-main}
     * @param tier              the target's tier, e.g. {@code production}
     * @param mode              {@code run} or {@code revert}
     * @param rehearsalDigest   hexadecimal SHA-256 of the rehearsal report the approvers are shown, or null
     * @param requester         the user id of whoever started the build
     * @param rehearsalLines    one line per rehearsed statement, e.g. {@code #1 (line 4) UPDATE public.accounts: 12 row(s)}
     * @param requiredApprovals how many distinct approvals are needed
     * @param eligibleUsers     user ids allowed to decide; empty means anyone holding the approve permission
     * @param eligibleGroups    groups whose members may decide; empty means no group restriction
     * @param maxWaitMillis     how long to wait for approvals; 0 means no limit
     */
    public ApprovalRequest(String runId, String scriptPath, String checksum, String commit, String targetName, String tier,
                           String mode, String rehearsalDigest, String requester, List<String> rehearsalLines,
                           int requiredApprovals, List<String> eligibleUsers, List<String> eligibleGroups, long maxWaitMillis) {
        this.runId = Objects.requireNonNull(runId, "runId");
        this.scriptPath = Objects.requireNonNull(scriptPath, "scriptPath");
        this.checksum = Objects.requireNonNull(checksum, "checksum");
        this.commit = commit;
        this.targetName = Objects.requireNonNull(targetName, "targetName");
        this.tier = tier;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.rehearsalDigest = rehearsalDigest;
        this.requester = Objects.requireNonNull(requester, "requester");
        this.rehearsalLines = copy(rehearsalLines);
        if (requiredApprovals < 1) {
            throw new IllegalArgumentException("at least one approval must be required, got " + requiredApprovals);
        }
        this.requiredApprovals = requiredApprovals;
        this.eligibleUsers = copy(eligibleUsers);
        this.eligibleGroups = copy(eligibleGroups);
        if (maxWaitMillis < 0) {
            throw new IllegalArgumentException("the maximum wait cannot be negative, got " + maxWaitMillis);
        }
        this.maxWaitMillis = maxWaitMillis;
    }

    @Exported
    public String getRunId() {
        return runId;
    }

    @Exported
    public String getScriptPath() {
        return scriptPath;
    }

    @Exported
    public String getChecksum() {
        return checksum;
    }

    @Exported
    public String getCommit() {
        return commit;
    }

    @Exported
    public String getTargetName() {
        return targetName;
    }

    @Exported
    public String getTier() {
        return tier;
    }

    @Exported
    public String getMode() {
        return mode;
    }

    @Exported
    public String getRehearsalDigest() {
        return rehearsalDigest;
    }

    @Exported
    public String getRequester() {
        return requester;
    }

    @Exported
    public List<String> getRehearsalLines() {
        return Collections.unmodifiableList(rehearsalLines);
    }

    @Exported
    public int getRequiredApprovals() {
        return requiredApprovals;
    }

    /** Not exported: who may approve is policy, not something every reader of the outcome needs. */
    public List<String> getEligibleUsers() {
        return Collections.unmodifiableList(eligibleUsers);
    }

    /** Not exported, as {@link #getEligibleUsers()}. */
    public List<String> getEligibleGroups() {
        return Collections.unmodifiableList(eligibleGroups);
    }

    @Exported
    public long getMaxWaitMillis() {
        return maxWaitMillis;
    }

    /** The first characters of the checksum, enough for people to tell scripts apart. */
    @Exported
    public String getShortChecksum() {
        return ShortForm.checksum(checksum);
    }

    private static ArrayList<String> copy(List<String> values) {
        ArrayList<String> copy = new ArrayList<>();
        if (values != null) {
            values.stream().filter(Objects::nonNull).forEach(copy::add);
        }
        return copy;
    }
}
