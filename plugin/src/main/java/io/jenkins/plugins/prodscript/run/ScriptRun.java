package io.jenkins.plugins.prodscript.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.prodscript.approval.ApprovalAction;
import io.jenkins.plugins.prodscript.approval.ApprovalOutcome;
import io.jenkins.plugins.prodscript.approval.ApprovalRequest;
import io.jenkins.plugins.prodscript.audit.ArtifactNames;
import io.jenkins.plugins.prodscript.audit.ArtifactStage;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.target.DatabaseLogin;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import io.jenkins.plugins.prodscript.target.ScriptCaller;
import io.jenkins.plugins.prodscript.target.TargetAccess;
import io.jenkins.plugins.prodscript.target.TargetCredentials;
import io.jenkins.plugins.prodscript.target.TargetDatabase;
import io.prodscript.engine.execution.Mode;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One build's script run, from the controller's side, shared by the job type and the Pipeline step. It has three
 * phases so that the waiting in between can be blocking (job type) or asynchronous (Pipeline step):
 * <ol>
 *   <li>{@link #prepare}: resolve the target and its login, read and plan the script on the agent, rehearse it there
 *       (always rolled back), archive the plan and the rehearsal;</li>
 *   <li>{@link #approvalRequest}: what approvers are asked to approve (the caller opens the approval);</li>
 *   <li>{@link #complete}: once approved, write the decisions into the target's approval ledger, re-read the script
 *       and check it is the approved one, run it, archive the result.</li>
 * </ol>
 * Every phase keeps the build's {@link ScriptRunAction} up to date and archives what it produced, also when it fails.
 * The login is resolved in each phase and only ever sent to the agent; it is never stored.
 */
public final class ScriptRun {
    /**
     * How long a stop may have to wait for a phase to end: the controller's bound for the agent's report of a cancelled
     * run ({@code RunCancellation}), plus time to record and archive it.
     */
    public static final Duration STOP_WAIT = RunCancellation.REPORT_WAIT.plusSeconds(30);

    /** The folder of the stage where a revert's reversal script is put. */
    private static final String REVERSAL_FOLDER = "revert";

    private final Run<?, ?> build;
    private final FilePath workspace;
    private final Launcher launcher;
    private final TaskListener listener;
    private final ScriptCaller caller;
    /** Set when the latest engine run was stopped (and its report still came back). */
    private boolean stopped;

    /**
     * @param build     the build making the run
     * @param workspace the checkout, on the agent that runs the script
     * @param launcher  a launcher on that agent (used to archive)
     * @param listener  the build log
     * @param caller    the job type or the Pipeline step; targets may admit one and not the other
     */
    public ScriptRun(Run<?, ?> build, FilePath workspace, Launcher launcher, TaskListener listener, ScriptCaller caller) {
        this.build = build;
        this.workspace = workspace;
        this.launcher = launcher;
        this.listener = listener;
        this.caller = caller;
    }

    /**
     * Plans and rehearses. For a rehearse-only build this is the whole run.
     *
     * @throws AbortException with the reason, when the request or the script is refused or the rehearsal fails;
     *                        nothing was changed then
     */
    public PreparedRun prepare(ScriptRunSpec spec) throws IOException, InterruptedException {
        TargetDatabase target = ProductionScriptTargets.get().require(spec.getTargetName());
        // Before anything else, and before any login is looked up: a build the target does not admit learns nothing.
        TargetAccess.check(build, workspace, caller, target);
        RunMode mode = spec.getMode();
        String requester = Requester.of(build);
        if (mode.changesData() && requester == null) {
            throw new AbortException("A " + mode.id() + " changes data, so a signed-in user must start it: approvals are"
                    + " checked against who asked. Nothing was run.");
        }
        TargetDatabase rehearsedOn = RehearsalTarget.choose(build, target, mode, requester);
        String commit = mode == RunMode.REVERT ? CommitSource.find(build, listener)
                : CheckoutCommit.of(build, workspace, launcher, spec.getScriptPath(), listener);
        String rehearsalRunId = UUID.randomUUID().toString();
        String runId = mode.changesData() ? UUID.randomUUID().toString() : rehearsalRunId;
        String displayPath = mode == RunMode.REVERT ? "reversal of run " + spec.getRevertRunId() : spec.getScriptPath();
        ScriptRunAction action = new ScriptRunAction(runId, rehearsalRunId, displayPath, target.getName(),
                target.getTier(), target.getJdbcUrl(), mode.id(), spec.getRevertRunId(), requester, commit);
        build.addAction(action);
        build.save();
        log("Production script: " + mode.id() + " " + displayPath + " on target " + target.getName() + " (tier "
                + target.getTier() + "), requested by " + (requester == null ? "no signed-in user" : requester)
                + (commit == null ? "" : ", commit " + commit)
                + (rehearsedOn == target ? "" : "; rehearsed on target " + rehearsedOn.getName()));

        ArtifactStage stage = ArtifactStage.of(workspace, rehearsalRunId);
        try {
            stage.create();
            // The login of the target that is rehearsed on, only: a production target with a "Rehearse on" target
            // sends its own login nowhere before the run is approved (a revert reads its ledger, so it needs it).
            DatabaseLogin login = TargetCredentials.forBuild(build, workspace, caller, rehearsedOn);
            ScriptLocation location = mode == RunMode.REVERT
                    ? ReversalScript.stage(stage.child(REVERSAL_FOLDER), target.settings(),
                            rehearsedOn == target ? login : TargetCredentials.forBuild(build, workspace, caller, target),
                            spec.getRevertRunId(), spec.isSuppressTriggers())
                    : new ScriptLocation(workspace, spec.getScriptPath());
            PlannedScript planned = location.root().act(new PlanScript(location.path()));
            action.setChecksum(planned.getChecksum());
            // Archived refused or not: approvers read it before deciding, auditors see exactly what was refused.
            stage.write(ArtifactNames.SCRIPT, planned.getScriptText());
            if (planned.getRefusal() != null) {
                throw new AbortException(planned.getRefusal());
            }
            stage.write(ArtifactNames.PLAN, planned.getPlanJson());
            log("Planned " + planned.getScriptPath() + ": " + planned.getStatementCount() + " statement(s), sha256 "
                    + planned.getChecksum());

            update(action, ScriptRunStatus.REHEARSING, null);
            ExecutionReport rehearsal = execute(location, rehearsedOn, login, Mode.REHEARSE, rehearsalRunId, planned.getChecksum(),
                    spec.getRevertRunId(), requester, commit, stage);
            // Written byte for byte as digested, so anyone can check the approved digest against the artifact.
            stage.write(ArtifactNames.REHEARSAL, rehearsal.getResultLine());
            action.setRehearsalRows(rehearsal.getRowsChanged(), rehearsal.getStatements());
            action.setRehearsalReview(planned.getReviewedFunctions(), rehearsal.getFiringTriggers(), rehearsal.getTableRows());
            if (stopped) {
                update(action, ScriptRunStatus.CANCELLED, "Stopped during the rehearsal, which ended " + rehearsal.describe()
                        + "; rehearsals always roll back. Nothing was changed.");
                throw new InterruptedException("Stopped during the rehearsal; nothing was changed.");
            }
            if (rehearsal.refused()) {
                // The target's ledger said no (e.g. already applied): nothing ran, so it is a refusal, not a failure.
                String reason = rehearsal.getFailure() == null ? rehearsal.describe() : rehearsal.getFailure();
                update(action, ScriptRunStatus.REFUSED, reason);
                throw new AbortException("Refused: " + reason + ". Nothing was run.");
            }
            if (!rehearsal.succeeded()) {
                update(action, ScriptRunStatus.REHEARSAL_FAILED, rehearsal.describe());
                throw new AbortException("The rehearsal did not succeed: " + rehearsal.describe()
                        + ". Everything was rolled back" + (mode.changesData() ? "; no approval was asked." : "."));
            }
            update(action, mode.changesData() ? ScriptRunStatus.WAITING_FOR_APPROVAL : ScriptRunStatus.REHEARSED, null);
            return new PreparedRun(runId, rehearsalRunId, mode, location.path(), mode == RunMode.REVERT, displayPath,
                    planned.getChecksum(), commit, target.getName(), requester, rehearsal.digest(),
                    rehearsal.getSummaryLines(), spec.getRevertRunId());
        } catch (IOException | InterruptedException | RuntimeException e) {
            recordFailure(action, e, ScriptRunStatus.REFUSED);
            throw e;
        } finally {
            archive(stage, action);
        }
    }

    /** What approvers are asked to approve, with the policy of the target as configured now. */
    public ApprovalRequest approvalRequest(PreparedRun prepared) throws AbortException {
        TargetDatabase target = ProductionScriptTargets.get().require(prepared.getTargetName());
        return new ApprovalRequest(prepared.getRunId(), prepared.getDisplayPath(), prepared.getChecksum(),
                prepared.getCommit(), target.getName(), target.getTier(), prepared.getMode().id(),
                prepared.getRehearsalDigest(), prepared.getRequester(), prepared.getRehearsalLines(),
                target.getEffectiveRequiredApprovals(), target.approverList(), target.approverGroupList(),
                TimeUnit.HOURS.toMillis(target.getEffectiveMaxWaitHours()));
    }

    /**
     * Runs the prepared script once approvals have decided, or records why it does not run.
     *
     * @throws AbortException when the approval was rejected or expired, the script changed, or the run did not commit;
     *                        in each case nothing was changed
     */
    public ExecutionReport complete(PreparedRun prepared, ApprovalOutcome outcome) throws IOException, InterruptedException {
        ScriptRunAction action = ScriptRunAction.of(build, prepared.getRunId());
        if (action == null) {
            throw new AbortException("This build has no record of the prepared run " + prepared.getRunId() + ". Nothing was run.");
        }
        ArtifactStage stage = ArtifactStage.of(workspace, prepared.getRehearsalRunId());
        try {
            // Another node or workspace than the rehearsal's when a Pipeline runs an approved script apart.
            stage.ensure();
            ApprovalAction approval = ApprovalAction.of(build, prepared.getRunId());
            if (approval == null) {
                throw new AbortException("The build has no approval record for run " + prepared.getRunId() + ". Nothing was run.");
            }
            ApprovalRequest approved = approval.getRequest();
            TargetDatabase target = ProductionScriptTargets.get().require(prepared.getTargetName());
            DatabaseLogin login = TargetCredentials.forBuild(build, workspace, caller, target);
            RecordApprovals decisions = new RecordApprovals(target.settings(), login, approved, approval.getDecisions());
            if (!outcome.isApproved()) {
                ScriptRunStatus status = statusOf(outcome);
                update(action, status, outcome.getReason());
                recordRejectedDecisions(decisions, target);
                throw new AbortException("Not run: the approval was " + status.name().toLowerCase(java.util.Locale.ROOT)
                        + " (" + outcome.getReason() + "). Nothing was changed.");
            }
            update(action, ScriptRunStatus.RUNNING, null);
            // Before the run, and fatal when it fails: no run without its approvals on record in the database.
            int recorded = workspace.getChannel().call(decisions);
            log("Recorded " + recorded + " approval decision(s) in the approval ledger of " + target.getName());

            // The approved checksum, not the one planned here: what runs must be exactly what was approved.
            ExecutionReport report = execute(locationOf(prepared, stage), target, login, Mode.RUN, prepared.getRunId(),
                    approved.getChecksum(), prepared.getRevertRunId(), prepared.getRequester(), prepared.getCommit(), stage);
            stage.write(ArtifactNames.RUN, report.getResultJson());
            if (report.getManifestJson() != null) {
                stage.write(ArtifactNames.MANIFEST, report.getManifestJson());
            }
            if (report.getReversalSql() != null) {
                stage.write(ArtifactNames.REVERSAL, report.getReversalSql());
            }
            if (report.outcomeUnknown()) {
                // The engine could not ask the database after COMMIT's answer was lost: the target's ledger decides,
                // as for a run the build lost sight of.
                LedgerReconciliation.start(build, prepared.getRunId(), "COMMIT's answer was lost: " + report.describe() + ".",
                        status -> { });
                throw new AbortException("The outcome of the run is unknown, it may have committed: " + report.describe());
            }
            if (!report.committed()) {
                update(action, statusOfUncommitted(report), (stopped ? "Stopped; the agent reported: " : "") + report.describe());
                if (stopped) {
                    throw new InterruptedException("Stopped: run " + prepared.getRunId() + " ended " + report.describe()
                            + ". Everything was rolled back; nothing was changed.");
                }
                throw new AbortException("The run did not commit: " + report.describe() + ". Everything was rolled back.");
            }
            action.setCommittedRows(report.getRowsChanged(), report.getStatements());
            action.setRescueTables(report.getRescueTables());
            update(action, ScriptRunStatus.COMMITTED, null);
            keepForAudit();
            return report;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (action.getStatus() == ScriptRunStatus.RUNNING && !(e instanceof AbortException)) {
                // The run was started and no report came back (abort, lost agent): it may still commit. Not CANCELLED
                // on a guess: the target's ledger decides.
                log("The run's outcome is not known here (" + e.getMessage() + "); reading it from the target's ledger.");
                LedgerReconciliation.start(build, prepared.getRunId(), "The build lost sight of the run: " + e.getMessage() + ".",
                        status -> { });
            } else {
                recordFailure(action, e, ScriptRunStatus.FAILED);
            }
            throw e;
        } finally {
            archive(stage, action);
        }
    }

    /** The record's status for an approval that did not approve. */
    private static ScriptRunStatus statusOf(ApprovalOutcome outcome) {
        return switch (outcome.getState()) {
            case EXPIRED -> ScriptRunStatus.EXPIRED;
            case CANCELLED -> ScriptRunStatus.CANCELLED;
            default -> ScriptRunStatus.REJECTED;
        };
    }

    /**
     * Records, without any node, that a prepared run was not approved (a Pipeline waiting outside {@code node}); the
     * decisions stay in the build's record. Does nothing to a record that already ended.
     */
    public static void recordNotApproved(Run<?, ?> build, String runId, ApprovalOutcome outcome) throws IOException {
        endWait(build, runId, statusOf(outcome), outcome.getReason());
    }

    /**
     * The one way a wait for approval ends when the build is stopped while it waits (the job type's Abort, a Pipeline
     * stopped in {@code runScript} or {@code waitForScriptApproval}): the approval is settled as cancelled, so no later
     * decision counts, and the record says CANCELLED: nothing was run. Does nothing to a run no longer waiting.
     *
     * @param reason who stopped it, for the approval's console line and the record
     */
    public static void stopWaiting(Run<?, ?> build, String runId, String reason) throws IOException {
        ApprovalAction approval = ApprovalAction.of(build, runId);
        if (approval != null) {
            approval.cancelWaiting(reason);
        }
        endWait(build, runId, ScriptRunStatus.CANCELLED, "Stopped while waiting for approval (" + reason + "); nothing was run.");
    }

    private static void endWait(Run<?, ?> build, String runId, ScriptRunStatus status, String message) throws IOException {
        ScriptRunAction action = ScriptRunAction.of(build, runId);
        if (action != null && action.getStatus() == ScriptRunStatus.WAITING_FOR_APPROVAL) {
            action.setStatus(status, message);
            build.save();
        }
    }

    /**
     * The prepared run a build waits to run, read back from its record and its approval, for running it in another
     * step than the one that prepared it.
     *
     * @throws AbortException when the build has no such run waiting, or it is a revert (whose reversal script was
     *                        staged next to the workspace that prepared it)
     */
    public static PreparedRun preparedIn(Run<?, ?> build, String runId) throws AbortException {
        ScriptRunAction action = ScriptRunAction.of(build, runId);
        ApprovalAction approval = ApprovalAction.of(build, runId);
        if (action == null || approval == null) {
            throw new AbortException("This build prepared no run " + runId + " waiting for approval. Nothing was run.");
        }
        if (action.getStatus() != ScriptRunStatus.WAITING_FOR_APPROVAL) {
            throw new AbortException("Run " + runId + " is " + action.getStatus().getWords().toLowerCase(java.util.Locale.ROOT)
                    + "; a prepared run runs once. Nothing was run.");
        }
        if (!RunMode.RUN.id().equals(action.getMode())) {
            throw new AbortException("Only a prepared run (mode run) can be run by another step; " + action.getMode()
                    + " runs in one runScript step. Nothing was run.");
        }
        ApprovalRequest request = approval.getRequest();
        return new PreparedRun(runId, action.getRehearsalRunId(), RunMode.RUN, action.getScriptPath(), false,
                action.getScriptPath(), request.getChecksum(), request.getCommit(), request.getTargetName(),
                request.getRequester(), request.getRehearsalDigest(), request.getRehearsalLines(), null);
    }

    private static ScriptRunStatus statusOfUncommitted(ExecutionReport report) {
        if (report.cancelled()) {
            return ScriptRunStatus.CANCELLED;
        }
        return report.refused() ? ScriptRunStatus.REFUSED : ScriptRunStatus.FAILED;
    }

    /**
     * A rejected or expired run's decisions belong in the database's approval ledger too; the build ends as not
     * approved whether or not they can be written, so a failure here is only reported.
     */
    private void recordRejectedDecisions(RecordApprovals decisions, TargetDatabase target) throws InterruptedException {
        try {
            int recorded = workspace.getChannel().call(decisions);
            log("Recorded " + recorded + " approval decision(s) in the approval ledger of " + target.getName());
        } catch (IOException e) {
            log("WARNING: " + e.getMessage() + "; the decisions stay in this build's record");
        }
    }

    private ScriptLocation locationOf(PreparedRun prepared, ArtifactStage stage) {
        return prepared.isStaged()
                ? new ScriptLocation(stage.child(REVERSAL_FOLDER), prepared.getScriptPath())
                : new ScriptLocation(workspace, prepared.getScriptPath());
    }

    @SuppressWarnings("checkstyle:ParameterNumber") // the engine request's parts
    private ExecutionReport execute(ScriptLocation location, TargetDatabase target, DatabaseLogin login, Mode mode,
                                    String runId, String expectedChecksum, String revertsRunId, String requester,
                                    String commit, ArtifactStage stage) throws IOException, InterruptedException {
        ExecuteScript task = new ExecuteScript(location.path(), expectedChecksum, target.settings(), login, mode,
                requester, commit, runId, revertsRunId, stage.pathOf(ArtifactNames.EVENTS), listener);
        Future<ExecutionReport> pending = location.root().actAsync(task);
        ExecutionReport report = RunCancellation.await(location.root(), runId, pending, listener);
        // Cleared here, so the phase can still write and archive what the run produced; the phase then ends as stopped.
        stopped = Thread.interrupted();
        if (report.getProblem() != null) {
            log("WARNING: " + report.getProblem());
        }
        if (stopped) {
            log("After the stop, run " + runId + " ended " + report.describe()
                    + (report.committed() ? "; it had committed before the stop arrived and stays committed." : "."));
        }
        return report;
    }

    /** Records why the phase ended, unless it already recorded a more precise status. */
    private void recordFailure(ScriptRunAction action, Exception e, ScriptRunStatus statusForAbort) {
        if (action.getStatus().isFinal()) {
            return;
        }
        if (e instanceof InterruptedException) {
            update(action, ScriptRunStatus.CANCELLED, "Aborted. The engine cancels and rolls back work in progress;"
                    + " the target's ledger (script_runner.runs) has the final state of run " + action.getRunId() + ".");
        } else if (e instanceof AbortException) {
            update(action, statusForAbort, e.getMessage());
        } else {
            update(action, ScriptRunStatus.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void update(ScriptRunAction action, ScriptRunStatus status, @CheckForNull String message) {
        action.setStatus(status, message);
        save();
    }

    /**
     * Archives what the phase produced, and removes the stage once the run is over. A failure here is reported but
     * never hides the phase's own outcome.
     */
    private void archive(ArtifactStage stage, ScriptRunAction action) {
        try {
            action.addArtifacts(stage.archive(build, action, launcher, listener));
            save();
            if (action.getStatus().isFinal()) {
                stage.delete();
            }
        } catch (IOException e) {
            log("WARNING: could not archive the run's files: " + e.getMessage());
        } catch (InterruptedException e) {
            log("WARNING: archiving the run's files was interrupted");
            Thread.currentThread().interrupt();
        }
    }

    private void keepForAudit() {
        try {
            AuditRetention.keep(build);
            log("The build is kept for the audit trail (build discarders skip it).");
        } catch (IOException e) {
            log("WARNING: could not mark the build to be kept: " + e.getMessage());
        }
    }

    private void save() {
        try {
            build.save();
        } catch (IOException e) {
            log("WARNING: could not save the build record: " + e.getMessage());
        }
    }

    private void log(String line) {
        listener.getLogger().println(line);
    }
}
