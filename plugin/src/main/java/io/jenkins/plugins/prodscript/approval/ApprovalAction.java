package io.jenkins.plugins.prodscript.approval;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.console.HyperlinkNote;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.model.RunAction2;
import jenkins.util.Timer;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * The approval a build waits for: what is to be approved, every decision so far, and the outcome once decided.
 * Persisted with the build (so auditors keep it), shown at {@code <build>/approval/}, and decided through the
 * {@code approve} and {@code reject} POST endpoints.
 *
 * <p>The engine's {@link io.prodscript.engine.approval.ApprovalPolicy} makes every rule decision (through
 * {@link ApprovalJudge}); this class only collects decisions, keeps them, and wakes whoever waits.
 *
 * <p>Reading never changes anything: the getters that pages and {@code /api/json} reach compute where the approval
 * stands without settling it. Only a decision POST, the expiry timer, the waiting build's own wait and an abort settle
 * the outcome, save it and wake whoever waits.
 *
 * <p>Persisted state is plain values only. What lives in memory only (the build, the console, callbacks, the expiry
 * timer) is transient and re-created after a restart: {@link #onLoad} re-arms the timer, and whoever waits re-attaches
 * by calling {@link #open} again and re-registering {@link #whenDecided}.
 */
@ExportedBean(defaultVisibility = 2)
public final class ApprovalAction implements RunAction2 {
    static final String URL_NAME = "approval";
    private static final Logger LOGGER = Logger.getLogger(ApprovalAction.class.getName());
    /** Serializes attaching, so two callers opening at once share one action. */
    private static final Object ATTACH_LOCK = new Object();

    private final ApprovalRequest request;
    private final long waitingSinceMillis;
    /** {@code approval} for a build's first approval, {@code approval-2} for its second...; null in older builds. */
    private final String urlName;
    /** Replaced, never modified in place, so saving the build can serialize it while a decision arrives. */
    private volatile List<ApprovalRecord> decisions = new ArrayList<>();
    /** The final outcome once decided; null while waiting. */
    private volatile ApprovalOutcome settled;

    private transient Run<?, ?> run;
    private transient ApprovalJudge judge;
    private transient volatile TaskListener console;
    private transient List<Consumer<ApprovalOutcome>> callbacks;
    private transient ScheduledFuture<?> expiryCheck;

    ApprovalAction(ApprovalRequest request, long waitingSinceMillis, String urlName) {
        this.request = request;
        this.waitingSinceMillis = waitingSinceMillis;
        this.urlName = urlName;
        this.judge = new ApprovalJudge(request, waitingSinceMillis);
    }

    /**
     * Starts waiting for approval of {@code request}, or, when the build already waits for it (e.g. after a
     * restart), returns that wait and reconnects it to {@code listener} so decisions keep appearing in the console.
     * A build making several runs has one approval per run, each at its own address.
     *
     * @throws AbortException when the request is not one the policy can judge
     */
    public static ApprovalAction open(Run<?, ?> run, ApprovalRequest request, TaskListener listener) throws IOException {
        ApprovalAction action;
        boolean created = false;
        synchronized (ATTACH_LOCK) {
            action = of(run, request.getRunId());
            if (action == null) {
                int others = run.getActions(ApprovalAction.class).size();
                try {
                    action = new ApprovalAction(request, System.currentTimeMillis(),
                            others == 0 ? URL_NAME : URL_NAME + "-" + (others + 1));
                } catch (IllegalArgumentException e) {
                    throw new AbortException("Cannot ask for approval: " + e.getMessage());
                }
                run.addAction(action);
                created = true;
            }
        }
        if (created) {
            run.save();
        }
        action.connect(listener, created);
        return action;
    }

    /** The approval of this build's latest run that asked for one, if any. */
    public static @CheckForNull ApprovalAction of(Run<?, ?> run) {
        List<ApprovalAction> all = run.getActions(ApprovalAction.class);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** The approval of engine run {@code runId} in this build, if it asked for one. */
    public static @CheckForNull ApprovalAction of(Run<?, ?> run, String runId) {
        return run.getActions(ApprovalAction.class).stream().filter(a -> a.request.getRunId().equals(runId))
                .findFirst().orElse(null);
    }

    /** Where the approval stands now, expiry included; changes nothing (see {@link #getOutcome()}). */
    public ApprovalOutcome outcome() {
        return evaluate();
    }

    /**
     * Blocks until the approval is decided or expires, without polling: the thread sleeps until a deciding request
     * or the deadline wakes it. Decisions are logged to {@code listener} as they arrive.
     *
     * @throws InterruptedException when the build is aborted while waiting; the caller settles the wait then, in the
     *                              one place every stopped wait is settled ({@code ScriptRun.stopWaiting})
     */
    public ApprovalOutcome await(TaskListener listener) throws InterruptedException {
        console = listener;
        while (true) {
            ApprovalOutcome outcome = refresh();
            if (outcome.isDecided()) {
                return outcome;
            }
            synchronized (this) {
                if (settled == null) {
                    // wait(0) waits for notifyAll only; with a deadline, wake up to expire even if nobody decides.
                    wait(judge().deadlineMillis().map(d -> Math.max(1, d - System.currentTimeMillis())).orElse(0L));
                }
            }
        }
    }

    /**
     * Calls {@code callback} once the outcome is decided, on the thread that decided it (a web request or the expiry
     * timer), or right away when it already is. Not persisted: re-register after a restart.
     */
    public void whenDecided(Consumer<ApprovalOutcome> callback) {
        ApprovalOutcome outcome;
        synchronized (this) {
            outcome = settled;
            if (outcome == null) {
                callbacks().add(callback);
            }
        }
        if (outcome != null) {
            callback.accept(outcome);
        } else {
            armExpiryCheck(); // an expiry that passed unnoticed (e.g. while Jenkins was down) settles on the timer
        }
    }

    /**
     * Settles a wait nobody decided as cancelled, because the build was stopped while waiting. Does nothing when the
     * outcome is already settled. Callers go through {@code ScriptRun.stopWaiting}, which also ends the run's record.
     */
    public void cancelWaiting(String reason) {
        List<Consumer<ApprovalOutcome>> toCall;
        ApprovalOutcome outcome;
        synchronized (this) {
            if (settled != null) {
                return;
            }
            outcome = judge().judge(decisions, Instant.now()).outcome().cancelled();
            toCall = settle(outcome);
        }
        log("Approval outcome: " + outcome.getReason() + " (" + reason + ")");
        announce(outcome, toCall);
    }

    /** Every decision so far, oldest first, with whether the policy counted it. */
    @Exported(visibility = 2)
    public List<ApprovalRecord> getDecisions() {
        return Collections.unmodifiableList(decisions);
    }

    @Exported(visibility = 2)
    public ApprovalRequest getRequest() {
        return request;
    }

    /** Where the approval stands now, for views and the remote API: computed, never settled or saved by reading. */
    @Exported(visibility = 2)
    public ApprovalOutcome getOutcome() {
        return evaluate();
    }

    /**
     * The digest of what approvers are shown (request and rehearsal); the decision forms post it back, and a decision
     * made on another digest is recorded as stale and does not count.
     */
    @Exported(visibility = 2)
    public String getRequestDigest() {
        return judge().subjectDigest();
    }

    @Exported(visibility = 2)
    public long getWaitingSinceMillis() {
        return waitingSinceMillis;
    }

    /** When the wait began, in ISO-8601 UTC, the form auditors compare across systems. */
    public String getWaitingSince() {
        return Instant.ofEpochMilli(waitingSinceMillis).toString();
    }

    /** When the wait runs out, in ISO-8601 UTC, or null without a limit. */
    public @CheckForNull String getDeadline() {
        return judge().deadlineMillis().map(millis -> Instant.ofEpochMilli(millis).toString()).orElse(null);
    }

    /** The policy in one sentence, e.g. {@code 2 approvals by anyone, not the requester, within 4h}. */
    public String getPolicyDescription() {
        return judge().describePolicy();
    }

    /** True while decisions are accepted: not decided yet, and the build is still running. */
    public boolean isWaiting() {
        return settled == null && run != null && run.isBuilding() && !evaluate().isDecided();
    }

    /** Whether the current user may decide now; views use it to show the buttons. */
    public boolean isDecidable() {
        return isWaiting() && run.hasPermission(ProductionScriptPermissions.APPROVE);
    }

    /**
     * Why the current user's approval would not count (e.g. it is their own run), for the page to say before anyone
     * clicks; null when it would, or when nobody is signed in.
     */
    public @CheckForNull String getWhyCurrentUserCannotApprove() {
        Approver approver = Approver.current();
        return approver == null ? null
                : judge().whyCannotDecide(approver, ApprovalRecord.Kind.APPROVE).orElse(null);
    }

    public Run<?, ?> getRun() {
        return run;
    }

    /** @param digest the {@link #getRequestDigest()} of the page the approver read */
    @RequirePOST
    public HttpResponse doApprove(@QueryParameter String comment, @QueryParameter String digest) throws IOException {
        return decide(ApprovalRecord.Kind.APPROVE, comment, digest);
    }

    /** @param digest the {@link #getRequestDigest()} of the page the approver read */
    @RequirePOST
    public HttpResponse doReject(@QueryParameter String comment, @QueryParameter String digest) throws IOException {
        return decide(ApprovalRecord.Kind.REJECT, comment, digest);
    }

    /**
     * The build page's form: one comment and two buttons side by side, as the input step's page has; the button
     * pressed ({@code approve} or {@code reject}) decides. Back to the build page afterwards.
     */
    @RequirePOST
    public HttpResponse doDecide(StaplerRequest2 request, @QueryParameter String comment, @QueryParameter String digest)
            throws IOException {
        boolean approve = request.getParameter("approve") != null;
        boolean reject = request.getParameter("reject") != null;
        if (approve == reject) {
            throw HttpResponses.errorWithoutStack(400, "Press either Approve or Reject.");
        }
        decide(approve ? ApprovalRecord.Kind.APPROVE : ApprovalRecord.Kind.REJECT, comment, digest);
        return HttpResponses.redirectTo("..");
    }

    /** The archived text of the script to approve, relative to this page's parent (the build); null if none. */
    public @CheckForNull String getScriptArtifactPath() {
        ScriptRunAction record = getRecord();
        return record == null ? null : record.getScriptArtifactPath();
    }

    /** The build's record of the run asked about: its rehearsal, triggers, reviewed functions and tables. */
    public @CheckForNull ScriptRunAction getRecord() {
        return run == null ? null : ScriptRunAction.of(run, request.getRunId());
    }

    /**
     * Records a decision and answers with what the policy made of it. Every decision by someone holding the
     * permission is kept, counted or not, so auditors also see refused attempts (such as approving one's own run);
     * the response still refuses those, with the policy's reason, so nobody believes an ignored click counted. The
     * decision is recorded against the digest the approver's page showed, so one made on a changed request is stale.
     */
    private HttpResponse decide(ApprovalRecord.Kind kind, String comment, String digest) throws IOException {
        run.checkPermission(ProductionScriptPermissions.APPROVE);
        Approver approver = Approver.current();
        if (approver == null) {
            throw HttpResponses.errorWithoutStack(403, "Sign in to approve or reject a run.");
        }
        if (digest == null || digest.isBlank()) {
            throw HttpResponses.errorWithoutStack(400, "A decision names the request it decides (parameter digest, shown"
                    + " on the approval page as requestDigest); reload the page and decide again.");
        }
        ApprovalRecord record = new ApprovalRecord(approver.getId(), approver.getDisplayName(), approver.getGroups(),
                kind, System.currentTimeMillis(), comment, request.getChecksum(), digest.strip(), false, null);
        ApprovalRecord judged;
        synchronized (this) {
            if (settled != null || !run.isBuilding()) {
                throw HttpResponses.errorWithoutStack(409, "Refused: this build is not waiting for approval"
                        + (settled == null ? "." : " (" + settled + ")."));
            }
            List<ApprovalRecord> updated = new ArrayList<>(decisions);
            updated.add(record);
            decisions = judge().judge(updated, Instant.ofEpochMilli(record.getTimeMillis())).records();
            judged = decisions.get(decisions.size() - 1);
        }
        log(describe(judged));
        ApprovalOutcome outcome = refresh(); // logs and saves the outcome when this decision settled it
        if (!outcome.isDecided()) {
            log("  " + outcome.getReason());
            save();
        }
        if (!judged.isCounted()) {
            // Who may not decide at all is forbidden; a duplicate or late decision conflicts with what is recorded.
            int status = judge().whyCannotDecide(approver, kind).isPresent() ? 403 : 409;
            throw HttpResponses.errorWithoutStack(status, "Refused: " + judged.getNote()
                    + ". The decision is recorded for the audit trail but does not count.");
        }
        return HttpResponses.redirectTo(".");
    }

    /**
     * Where the approval stands, judged now, changing nothing. A build that ended while waiting (aborted, or Jenkins
     * died) is judged as it stood when it ended: no verdict arrives after the fact, and a wait nobody decided reads as
     * cancelled.
     */
    private synchronized ApprovalOutcome evaluate() {
        if (settled != null) {
            return settled;
        }
        boolean building = run != null && run.isBuilding();
        Instant judgedAt = building || run == null ? Instant.now()
                : Instant.ofEpochMilli(run.getStartTimeInMillis() + run.getDuration());
        ApprovalOutcome outcome = judge().judge(decisions, judgedAt).outcome();
        return run != null && !building && !outcome.isDecided() ? outcome.cancelled() : outcome;
    }

    /**
     * Judges the decisions now, stores the policy's notes on them, and when the outcome has become final, settles it:
     * stops the timer, wakes {@link #await}, saves, and runs the callbacks. Called only by a decision, the expiry timer
     * and the build's own wait, never by a getter.
     */
    private ApprovalOutcome refresh() {
        ApprovalOutcome outcome;
        List<Consumer<ApprovalOutcome>> toCall;
        synchronized (this) {
            if (settled != null) {
                return settled;
            }
            ApprovalJudge.Judgement judgement = judge().judge(decisions, Instant.now());
            decisions = judgement.records();
            outcome = judgement.outcome();
            if (run == null || !outcome.isDecided()) {
                return outcome;
            }
            toCall = settle(outcome);
        }
        log("Approval outcome: " + outcome.getReason());
        announce(outcome, toCall);
        return outcome;
    }

    /** Records the final outcome, stops the timer and wakes {@link #await}; returns the callbacks to run. */
    private List<Consumer<ApprovalOutcome>> settle(ApprovalOutcome outcome) {
        assert Thread.holdsLock(this);
        settled = outcome;
        if (expiryCheck != null) {
            expiryCheck.cancel(false);
        }
        List<Consumer<ApprovalOutcome>> toCall = new ArrayList<>(callbacks());
        callbacks().clear();
        notifyAll();
        return toCall;
    }

    /** Saves the settled outcome and runs the callbacks, outside the lock. */
    private void announce(ApprovalOutcome outcome, List<Consumer<ApprovalOutcome>> toCall) {
        save();
        for (Consumer<ApprovalOutcome> callback : toCall) {
            try {
                callback.accept(outcome);
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "An approval callback failed for " + run, e);
            }
        }
    }

    /** Attaches the console and the expiry timer, and tells the console what is awaited and where to decide. */
    private void connect(TaskListener listener, boolean created) {
        console = listener;
        if (created) {
            log("Waiting for approval to " + request.getMode() + " " + request.getScriptPath() + " (checksum "
                    + request.getShortChecksum() + ", commit " + Optional.ofNullable(request.getCommit()).orElse("unknown")
                    + ") on " + request.getTargetName() + ", requested by " + request.getRequester());
            for (String line : request.getRehearsalLines()) {
                log("  rehearsal: " + line);
            }
            log("Needs " + getPolicyDescription());
        } else {
            ApprovalOutcome now = evaluate();
            if (now.isDecided()) {
                armExpiryCheck(); // decided or expired while nobody listened (e.g. during a restart); the timer settles
                return;
            }
            log("Still waiting for approval: " + now.getReason());
        }
        String path = run.getUrl() + getUrlName() + "/";
        String rootUrl = Jenkins.get().getRootUrl();
        // The note makes a link in the web console; the text keeps the address readable in plain-text logs.
        log(HyperlinkNote.encodeTo("/" + path, "Approve or reject: " + (rootUrl == null ? "/" + path : rootUrl + path)));
        armExpiryCheck();
    }

    /** Expiry must happen even when nobody clicks and nobody blocks in {@link #await} (the Pipeline step does not). */
    private synchronized void armExpiryCheck() {
        Optional<Long> deadline = judge().deadlineMillis();
        boolean armed = expiryCheck != null && !expiryCheck.isDone();
        if (settled != null || deadline.isEmpty() || armed || run == null || !run.isBuilding()) {
            return;
        }
        // One millisecond past the deadline, because the policy expires a wait only once the deadline is behind it.
        long delay = Math.max(0, deadline.get() - System.currentTimeMillis()) + 1;
        expiryCheck = Timer.get().schedule(this::checkExpiry, delay, TimeUnit.MILLISECONDS);
    }

    private void checkExpiry() {
        refresh();
    }

    private void log(String line) {
        TaskListener listener = console;
        if (listener != null) {
            listener.getLogger().println(line);
        }
    }

    private void save() {
        try {
            run.save();
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "Could not save the approval of " + run, e);
        }
    }

    private static String describe(ApprovalRecord record) {
        String verb = record.getDecision() == ApprovalRecord.Kind.APPROVE ? " approved" : " rejected";
        String comment = record.getComment() == null ? "" : " (\"" + record.getComment() + "\")";
        String counted = record.isCounted() ? "" : " - does not count: " + record.getNote();
        return record.getDisplayName() + " [" + record.getUserId() + "]" + verb + " checksum "
                + record.getChecksum() + comment + counted;
    }

    private synchronized ApprovalJudge judge() {
        if (judge == null) {
            judge = new ApprovalJudge(request, waitingSinceMillis);
        }
        return judge;
    }

    private synchronized List<Consumer<ApprovalOutcome>> callbacks() {
        if (callbacks == null) {
            callbacks = new ArrayList<>();
        }
        return callbacks;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        run = r;
        armExpiryCheck();
    }

    @Override
    public String getIconFileName() {
        return "symbol-people";
    }

    @Override
    public String getDisplayName() {
        return urlName == null || urlName.equals(URL_NAME) ? "Approval" : "Approval (" + request.getTargetName() + ")";
    }

    @Override
    public String getUrlName() {
        return urlName == null ? URL_NAME : urlName;
    }

    @NonNull
    @Override
    public String toString() {
        return "ApprovalAction[" + request.getRunId() + ", " + (settled == null ? "waiting" : settled) + "]";
    }
}
