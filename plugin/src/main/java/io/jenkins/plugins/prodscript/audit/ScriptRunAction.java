package io.jenkins.plugins.prodscript.audit;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Item;
import hudson.model.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.RunAction2;
import jenkins.util.Timer;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The audit record of the script run a build made: what ran, from which commit, where, for whom, and with what
 * result. Shown on the build page (summary.jelly), exported in the build's remote API, read by the run history, and
 * kept in {@code build.xml} for as long as the build is.
 *
 * <p>Plain values only (no engine types, no secrets), so XStream writes and reads it without Jenkins' class filter
 * objecting. The getters are an interface other pages and API clients rely on: keep them stable.
 */
@ExportedBean(defaultVisibility = 2)
public final class ScriptRunAction implements RunAction2 {
    private static final Logger LOGGER = Logger.getLogger(ScriptRunAction.class.getName());

    private final String runId;
    private final String rehearsalRunId;
    private final String scriptPath;
    private final String targetName;
    private final String tier;
    private final String jdbcUrl;
    private final String mode;
    private final String revertsRunId;
    private final String requester;
    private final String commit;
    private volatile String checksum;
    private volatile ScriptRunStatus status = ScriptRunStatus.PLANNING;
    private volatile String message;
    /** While UNKNOWN: why the latest reading of the target's ledger failed; null otherwise. */
    private volatile String ledgerReading;
    /** Rows the committed run changed; stays 0 for every run that did not commit. */
    private volatile long rowsChanged;
    private volatile ArrayList<StatementRows> statements = new ArrayList<>();
    /** Rows the rehearsal changed before it was rolled back. */
    private volatile long rowsWouldChange;
    private volatile ArrayList<StatementRows> rehearsalStatements = new ArrayList<>();
    private volatile ArrayList<RescueTable> rescueTables = new ArrayList<>();
    /** What approvers must read beside the rehearsal's rows; null in records from before they were kept. */
    private volatile ArrayList<Acknowledged> reviewedFunctions = new ArrayList<>();
    private volatile ArrayList<Acknowledged> firingTriggers = new ArrayList<>();
    private volatile ArrayList<TableRows> rehearsalTables = new ArrayList<>();
    private volatile ArrayList<String> artifacts = new ArrayList<>();

    private transient Run<?, ?> run;

    /**
     * @param runId          the engine run id this build stands for: the run's for run and revert, the rehearsal's
     *                       for rehearse
     * @param rehearsalRunId the engine run id of the rehearsal
     * @param scriptPath     the script, relative to the checkout (or, for a revert, the reversal's name)
     * @param targetName     the target's name
     * @param tier           the target's tier
     * @param jdbcUrl        the target's URL (never carries a password)
     * @param mode           {@code rehearse}, {@code run} or {@code revert}
     * @param revertsRunId   for a revert, the run it reverses; otherwise null
     * @param requester      the user id who started the build, or null when no user did
     * @param commit         the commit the script came from, or null when unknown
     */
    @SuppressWarnings("checkstyle:ParameterNumber") // one audited fact each
    public ScriptRunAction(String runId, String rehearsalRunId, String scriptPath, String targetName, String tier,
                           String jdbcUrl, String mode, String revertsRunId, String requester, String commit) {
        this.runId = runId;
        this.rehearsalRunId = rehearsalRunId;
        this.scriptPath = scriptPath;
        this.targetName = targetName;
        this.tier = tier;
        this.jdbcUrl = jdbcUrl;
        this.mode = mode;
        this.revertsRunId = revertsRunId;
        this.requester = requester;
        this.commit = commit;
    }

    /**
     * The latest script run of {@code run}, if it made one. A Pipeline may make several (say a staging run, then a
     * production run); the latest is the one the build is about, and the history lists it.
     */
    public static @CheckForNull ScriptRunAction of(Run<?, ?> run) {
        List<ScriptRunAction> all = run.getActions(ScriptRunAction.class);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** The script run of {@code run} with engine run id {@code runId}, if it made it. */
    public static @CheckForNull ScriptRunAction of(Run<?, ?> run, String runId) {
        return run.getActions(ScriptRunAction.class).stream().filter(a -> a.getRunId().equals(runId)).findFirst()
                .orElse(null);
    }

    @Exported
    public String getRunId() {
        return runId;
    }

    @Exported
    public String getRehearsalRunId() {
        return rehearsalRunId;
    }

    @Exported
    public String getScriptPath() {
        return scriptPath;
    }

    @Exported
    public @CheckForNull String getCommit() {
        return commit;
    }

    /** SHA-256 of the script, once it has been read. */
    @Exported
    public @CheckForNull String getChecksum() {
        return checksum;
    }

    @Exported
    public String getTargetName() {
        return targetName;
    }

    @Exported
    public String getTier() {
        return tier;
    }

    /** Not exported: readers of the remote API need the outcome, not where the database is. */
    public String getJdbcUrl() {
        return jdbcUrl;
    }

    /** The build page shows the URL to those who may configure the job, who see the job's targets anyway. */
    public boolean isJdbcUrlVisible() {
        return run != null && run.getParent().hasPermission(Item.CONFIGURE);
    }

    @Exported
    public String getMode() {
        return mode;
    }

    @Exported
    public @CheckForNull String getRevertsRunId() {
        return revertsRunId;
    }

    @Exported
    public @CheckForNull String getRequester() {
        return requester;
    }

    @Exported
    public ScriptRunStatus getStatus() {
        return status;
    }

    /** Why the run was refused, failed, rejected or expired; null otherwise. */
    @Exported
    public @CheckForNull String getMessage() {
        return message;
    }

    /**
     * Rows inserted, updated and deleted by the committed run; 0 for a rehearsal and for every run that did not
     * commit (refused, rejected, expired, failed, cancelled, or still waiting).
     */
    @Exported
    public long getRowsChanged() {
        return rowsChanged;
    }

    /** Rows per statement of the committed run; empty unless the run committed. */
    @Exported
    public List<StatementRows> getStatements() {
        return List.copyOf(statements);
    }

    /** Rows the rehearsal changed before it was rolled back: what the run would change; 0 before a rehearsal. */
    @Exported
    public long getRowsWouldChange() {
        return rowsWouldChange;
    }

    /** Rows per statement of the rehearsal. */
    @Exported
    public List<StatementRows> getRehearsalStatements() {
        return rehearsalStatements == null ? List.of() : List.copyOf(rehearsalStatements);
    }

    @Exported
    public List<RescueTable> getRescueTables() {
        return List.copyOf(rescueTables);
    }

    /** The archived files, as paths under the build's artifacts, e.g. {@code prodscript/plan.json}. */
    @Exported
    public List<String> getArtifacts() {
        return List.copyOf(artifacts);
    }

    /** The checksum as pages show it; the full value is on hover. */
    public String getShortChecksum() {
        return ShortForm.checksum(checksum);
    }

    /** The commit as Git abbreviates it; empty when unknown. */
    public String getShortCommit() {
        return ShortForm.commit(commit);
    }

    /** The archived script text, relative to the build's URL; null when it was not archived (e.g. refused unread). */
    public @CheckForNull String getScriptArtifactPath() {
        return hasArtifact(ArtifactNames.SCRIPT) ? "artifact/" + artifactPath(ArtifactNames.SCRIPT) : null;
    }

    public boolean hasArtifact(String name) {
        return artifacts.contains(artifactPath(name));
    }

    /**
     * Where this run's files are among the build's artifacts: {@code prodscript/} for the build's first run,
     * {@code prodscript/2/} for its second, and so on, so that several runs of one Pipeline never overwrite each
     * other's record. Derived from the run's place among the build's runs, which the build keeps in order.
     */
    public String getArtifactFolder() {
        int index = run == null ? 0 : run.getActions(ScriptRunAction.class).indexOf(this);
        return index <= 0 ? ArtifactNames.FOLDER : ArtifactNames.FOLDER + (index + 1) + "/";
    }

    /** The artifact path of one of this run's files, e.g. {@code prodscript/plan.json}. */
    public String artifactPath(String name) {
        return getArtifactFolder() + name;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Restricted(NoExternalUse.class)
    public void setChecksum(String checksum) {
        this.checksum = checksum;
    }

    /**
     * While the outcome is {@link ScriptRunStatus#UNKNOWN}: why the latest attempt to read it from the target's ledger
     * failed (say, the target could not be reached), beside the reason the outcome is unknown; null otherwise. Not
     * exported and shown only to those who may configure the job: it may name the database's host.
     */
    public @CheckForNull String getLedgerReading() {
        return ledgerReading;
    }

    /**
     * Sets where the run stands. A run left RUNNING or UNKNOWN is listed in {@link UnsettledRunRegistry}, so that a
     * restart settles it from the target's ledger even if nobody opens the build.
     */
    @Restricted(NoExternalUse.class)
    public void setStatus(ScriptRunStatus status, @CheckForNull String message) {
        ScriptRunStatus before = this.status;
        this.status = status;
        this.message = message;
        if (status != ScriptRunStatus.UNKNOWN) {
            this.ledgerReading = null;
        }
        Run<?, ?> attachedTo = run;
        if (attachedTo != null && (status.isOutcomePending() || before.isOutcomePending())) {
            UnsettledRunRegistry.update(attachedTo, runId, status);
        }
    }

    /** Notes why reading the outcome from the target's ledger failed this time; the reason it is unknown stays. */
    @Restricted(NoExternalUse.class)
    public void setLedgerReading(String problem) {
        this.ledgerReading = problem;
    }

    /** What the rehearsal changed before it was rolled back. */
    @Restricted(NoExternalUse.class)
    public void setRehearsalRows(long rowsWouldChange, List<StatementRows> statements) {
        this.rowsWouldChange = rowsWouldChange;
        this.rehearsalStatements = new ArrayList<>(statements);
    }

    /**
     * What approvers must see beside the rehearsal's rows: the functions the script says were reviewed, the triggers
     * its writes fire (as the rehearsal found them, each with the script's reason) and the rows per table, cascades
     * included.
     */
    @Restricted(NoExternalUse.class)
    public void setRehearsalReview(List<Acknowledged> reviewedFunctions, List<Acknowledged> firingTriggers,
                                   List<TableRows> rehearsalTables) {
        this.reviewedFunctions = new ArrayList<>(reviewedFunctions);
        this.firingTriggers = new ArrayList<>(firingTriggers);
        this.rehearsalTables = new ArrayList<>(rehearsalTables);
    }

    /** {@code @functions-reviewed}: the functions the script calls that approvers are told were reviewed. */
    @Exported
    public List<Acknowledged> getReviewedFunctions() {
        return reviewedFunctions == null ? List.of() : List.copyOf(reviewedFunctions);
    }

    /** The user triggers the script's writes fire, as the rehearsal found them, with the script's reasons. */
    @Exported
    public List<Acknowledged> getFiringTriggers() {
        return firingTriggers == null ? List.of() : List.copyOf(firingTriggers);
    }

    /** Rows per table the rehearsal saw changed (what a run would save), cascaded tables included. */
    @Exported
    public List<TableRows> getRehearsalTables() {
        return rehearsalTables == null ? List.of() : List.copyOf(rehearsalTables);
    }

    /** What the run changed; only a committed run changed anything. */
    @Restricted(NoExternalUse.class)
    public void setCommittedRows(long rowsChanged, List<StatementRows> statements) {
        this.rowsChanged = rowsChanged;
        this.statements = new ArrayList<>(statements);
    }

    @Restricted(NoExternalUse.class)
    public void setRescueTables(List<RescueTable> rescueTables) {
        this.rescueTables = new ArrayList<>(rescueTables);
    }

    @Restricted(NoExternalUse.class)
    public void addArtifacts(List<String> paths) {
        ArrayList<String> all = new ArrayList<>(artifacts);
        for (String path : paths) {
            if (!all.contains(path)) {
                all.add(path);
            }
        }
        artifacts = all;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    /**
     * A build loaded while not running whose run was running, or of unknown outcome, when it was last saved lost sight
     * of its outcome (a restart, or an abort whose reading of the ledger the restart cut short): the target's ledger
     * decides it ({@link UnfinishedRuns}). One that was still waiting for approval never started its run: it ends
     * CANCELLED, so the record does not say it waits for ever. A Pipeline that resumes is still building and settles
     * both itself.
     */
    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
        if (r.isBuilding()) {
            return;
        }
        if (status.isOutcomePending()) {
            UnfinishedRuns.reconcileAll(r, runId);
        } else if (status == ScriptRunStatus.WAITING_FOR_APPROVAL) {
            // Not while the build is being loaded: the record is saved right after, on the timer.
            Timer.get().execute(() -> endWaitCutShort(r));
        }
    }

    private void endWaitCutShort(Run<?, ?> r) {
        if (status != ScriptRunStatus.WAITING_FOR_APPROVAL) {
            return;
        }
        setStatus(ScriptRunStatus.CANCELLED, "The build ended while it waited for approval (Jenkins restarted or"
                + " stopped); the run was never started, so nothing was run.");
        try {
            r.save();
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "Could not save the record of " + r, e);
        }
    }

    /** Shown on the build page only (summary.jelly); the record needs no page of its own. */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "Production script run";
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
