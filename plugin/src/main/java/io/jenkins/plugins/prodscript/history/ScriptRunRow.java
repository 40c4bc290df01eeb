package io.jenkins.plugins.prodscript.history;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Run;
import io.jenkins.plugins.prodscript.approval.ApprovalAction;
import io.jenkins.plugins.prodscript.approval.ApprovalOutcome;
import io.jenkins.plugins.prodscript.approval.ApprovalRecord;
import io.jenkins.plugins.prodscript.audit.RescueTable;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.audit.ShortForm;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One line of a job's script run history: what ran, where, who asked, who approved, and what became of it.
 *
 * <p>{@link #of} is the only place that reads the build's {@link ScriptRunAction}, so a change there touches this
 * class alone. Public with JavaBean getters because Jelly views and the JSON download read them.
 */
public final class ScriptRunRow {
    /** The columns, in the order of {@link #values()}; also the CSV header. */
    static final List<String> COLUMNS = List.of("build", "started", "script", "commit", "checksum", "target", "mode",
            "requester", "approvers", "approval", "status", "rowsChanged", "rowsWouldChange", "rescue", "runId",
            "revertsRunId");

    private final int build;
    private final String buildUrl;
    private final String started;
    private final String script;
    private final String commit;
    private final String checksum;
    private final String target;
    private final String mode;
    private final String requester;
    private final String approvers;
    private final String approval;
    private final String status;
    private final long rowsChanged;
    private final long rowsWouldChange;
    private final String rescue;
    private final String runId;
    private final String revertsRunId;

    private ScriptRunRow(int build, String buildUrl, String started, String script, String commit, String checksum,
                         String target, String mode, String requester, String approvers, String approval, String status,
                         long rowsChanged, long rowsWouldChange, String rescue, String runId, String revertsRunId) {
        this.build = build;
        this.buildUrl = buildUrl;
        this.started = started;
        this.script = script;
        this.commit = commit;
        this.checksum = checksum;
        this.target = target;
        this.mode = mode;
        this.requester = requester;
        this.approvers = approvers;
        this.approval = approval;
        this.status = status;
        this.rowsChanged = rowsChanged;
        this.rowsWouldChange = rowsWouldChange;
        this.rescue = rescue;
        this.runId = runId;
        this.revertsRunId = revertsRunId;
    }

    /** Whether the build ran (or tried to run) a script; cheaper than building its row. */
    static boolean isScriptRun(Run<?, ?> run) {
        return ScriptRunAction.of(run) != null;
    }

    /**
     * The row for a build that ran (or tried to run) a script; empty for any other build.
     *
     * @param revertedBy the build number that reverted a given engine run id, as far as the caller has seen
     */
    static Optional<ScriptRunRow> of(Run<?, ?> run, Function<String, Integer> revertedBy) {
        ScriptRunAction scriptRun = ScriptRunAction.of(run);
        if (scriptRun == null) {
            return Optional.empty();
        }
        ApprovalAction approvalAction = ApprovalAction.of(run, scriptRun.getRunId());
        return Optional.of(new ScriptRunRow(run.getNumber(), run.getUrl(),
                Instant.ofEpochMilli(run.getStartTimeInMillis()).toString(), scriptRun.getScriptPath(),
                scriptRun.getCommit(), scriptRun.getChecksum(), scriptRun.getTargetName(), scriptRun.getMode(),
                scriptRun.getRequester(), approversOf(approvalAction), approvalOf(approvalAction),
                scriptRun.getStatus().name(), scriptRun.getRowsChanged(), scriptRun.getRowsWouldChange(),
                rescueOf(scriptRun, revertedBy.apply(scriptRun.getRunId())), scriptRun.getRunId(),
                scriptRun.getRevertsRunId()));
    }

    /** Who approved with a decision that counted, in the order they decided. */
    private static String approversOf(@CheckForNull ApprovalAction approval) {
        if (approval == null) {
            return "";
        }
        return approval.getDecisions().stream()
                .filter(d -> d.isCounted() && d.getDecision() == ApprovalRecord.Kind.APPROVE)
                .map(ApprovalRecord::getUserId)
                .collect(Collectors.joining(" "));
    }

    private static String approvalOf(@CheckForNull ApprovalAction approval) {
        if (approval == null) {
            return "";
        }
        ApprovalOutcome outcome = approval.getOutcome();
        return outcome.getState() + ": " + outcome.getReason();
    }

    /**
     * What became of the rows the run saved before changing them: reverted, kept until a date, or expired (the
     * rescue tables may be dropped after that date). Empty when the run kept none.
     */
    private static String rescueOf(ScriptRunAction scriptRun, @CheckForNull Integer revertBuild) {
        if (revertBuild != null) {
            return "reverted by #" + revertBuild;
        }
        Optional<String> firstExpiry = scriptRun.getRescueTables().stream()
                .map(RescueTable::getExpiresAt)
                .filter(expiry -> expiry != null && !expiry.isBlank())
                .min(Comparator.naturalOrder());
        if (firstExpiry.isEmpty()) {
            return "";
        }
        boolean expired = parse(firstExpiry.get()).map(at -> at.isBefore(Instant.now())).orElse(false);
        return (expired ? "expired " : "kept until ") + firstExpiry.get();
    }

    private static Optional<Instant> parse(String isoInstant) {
        try {
            return Optional.of(Instant.parse(isoInstant));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Whether the run committed changes that a revert build could undo. */
    public boolean isRevertible() {
        return ScriptRunStatus.COMMITTED.name().equals(status) && "run".equalsIgnoreCase(mode);
    }

    /** Whether this row is a committed revert, whose target run is then reverted. */
    boolean isCommittedRevert() {
        return ScriptRunStatus.COMMITTED.name().equals(status) && revertsRunId != null;
    }

    /** The values in {@link #COLUMNS} order, as text; missing values are empty. */
    List<String> values() {
        return List.of(String.valueOf(build), started, text(script), text(commit), text(checksum), text(target),
                text(mode), text(requester), approvers, approval, text(status), String.valueOf(rowsChanged),
                String.valueOf(rowsWouldChange), rescue,
                text(runId), text(revertsRunId));
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    public int getBuild() {
        return build;
    }

    /** The build's URL relative to the Jenkins root, e.g. {@code job/fix/12/}. */
    public String getBuildUrl() {
        return buildUrl;
    }

    public String getStarted() {
        return started;
    }

    public String getScript() {
        return script;
    }

    public String getCommit() {
        return commit;
    }

    public String getChecksum() {
        return checksum;
    }

    /** The first characters of the checksum, enough to tell scripts apart in a table. */
    public String getShortChecksum() {
        return ShortForm.checksum(checksum);
    }

    public String getTarget() {
        return target;
    }

    public String getMode() {
        return mode;
    }

    public String getRequester() {
        return requester;
    }

    public String getApprovers() {
        return approvers;
    }

    public String getApproval() {
        return approval;
    }

    public String getStatus() {
        return status;
    }

    /** Rows the run changed: 0 unless it committed. */
    public long getRowsChanged() {
        return rowsChanged;
    }

    /** Rows the rehearsal changed before rolling back. */
    public long getRowsWouldChange() {
        return rowsWouldChange;
    }

    public String getRescue() {
        return rescue;
    }

    public String getRunId() {
        return runId;
    }

    /** For a revert, the engine run id it reverses; otherwise null. */
    public @CheckForNull String getRevertsRunId() {
        return revertsRunId;
    }
}
