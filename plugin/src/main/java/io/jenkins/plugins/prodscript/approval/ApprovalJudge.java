package io.jenkins.plugins.prodscript.approval;

import io.prodscript.engine.approval.ApprovalPolicy;
import io.prodscript.engine.approval.ApprovalSubject;
import io.prodscript.engine.approval.Decision;
import io.prodscript.engine.approval.DecisionKind;
import io.prodscript.engine.approval.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The plugin's only door to the engine's approval rules. It turns the plain values kept with a build into engine
 * values and asks {@link ApprovalPolicy}; no approval rule is written in the plugin itself.
 *
 * <p>Public so the run orchestration can write the same decisions into the target's approval ledger
 * ({@code io.prodscript.engine.approval.ApprovalLedger#record}) with {@link #subjectOf} and {@link #decisionOf}.
 */
public final class ApprovalJudge {
    private final ApprovalPolicy policy;
    private final ApprovalSubject subject;
    private final String requester;
    private final Instant waitingSince;

    /**
     * @throws IllegalArgumentException when the request cannot be judged (e.g. a checksum that is not a SHA-256), so
     *                                  a malformed request fails when the wait opens rather than when someone clicks
     */
    ApprovalJudge(ApprovalRequest request, long waitingSinceMillis) {
        this.policy = policyOf(request);
        this.subject = subjectOf(request);
        this.requester = request.getRequester();
        this.waitingSince = Instant.ofEpochMilli(waitingSinceMillis);
    }

    /** What approvers of this request approve, as the engine identifies it. */
    public static ApprovalSubject subjectOf(ApprovalRequest request) {
        return new ApprovalSubject(request.getChecksum(), request.getTargetName(), request.getMode(),
                request.getRehearsalDigest());
    }

    /** A recorded decision as the engine sees it. */
    public static Decision decisionOf(ApprovalRecord record) {
        return new Decision(record.getUserId(), new LinkedHashSet<>(record.getGroups()), kindOf(record.getDecision()),
                record.getSubjectDigest(), Instant.ofEpochMilli(record.getTimeMillis()), record.getComment());
    }

    private static ApprovalPolicy policyOf(ApprovalRequest request) {
        ApprovalPolicy policy = ApprovalPolicy.forTier(request.getTier())
                .withRequiredApprovals(request.getRequiredApprovals())
                .withEligibleApprovers(new LinkedHashSet<>(request.getEligibleUsers()),
                        new LinkedHashSet<>(request.getEligibleGroups()));
        return request.getMaxWaitMillis() > 0 ? policy.withMaximumWait(Duration.ofMillis(request.getMaxWaitMillis())) : policy;
    }

    /** The digest every decision on this request is made against. */
    String subjectDigest() {
        return subject.digest();
    }

    /** The policy in one sentence, for the approval page and the console. */
    String describePolicy() {
        return policy.describe();
    }

    /** When the wait runs out, in epoch milliseconds, if there is a limit. */
    Optional<Long> deadlineMillis() {
        return policy.deadline(waitingSince).map(Instant::toEpochMilli);
    }

    /** Why this person's decision could never count (own approval, not eligible), whatever else is recorded. */
    Optional<String> whyCannotDecide(Approver approver, ApprovalRecord.Kind kind) {
        return policy.whyCannotDecide(approver.getId(), new LinkedHashSet<>(approver.getGroups()), requester, kindOf(kind));
    }

    /** What the recorded decisions mean now, with each record's counted flag and note brought up to date. */
    Judgement judge(List<ApprovalRecord> recorded, Instant now) {
        List<Decision> decisions = recorded.stream().map(ApprovalJudge::decisionOf).toList();
        Verdict verdict = policy.evaluate(subject, requester, decisions, waitingSince, now);
        ArrayList<ApprovalRecord> judged = new ArrayList<>(recorded.size());
        for (int i = 0; i < recorded.size(); i++) {
            Decision decision = decisions.get(i);
            judged.add(recorded.get(i).judged(verdict.counted(decision), verdict.noteFor(decision)));
        }
        ApprovalOutcome outcome = new ApprovalOutcome(stateOf(verdict.outcome()), verdict.sentence(),
                verdict.approvals().size(), verdict.requiredApprovals());
        return new Judgement(outcome, judged);
    }

    private static DecisionKind kindOf(ApprovalRecord.Kind kind) {
        return kind == ApprovalRecord.Kind.APPROVE ? DecisionKind.APPROVE : DecisionKind.REJECT;
    }

    private static ApprovalOutcome.State stateOf(Verdict.Outcome outcome) {
        return switch (outcome) {
            case PROCEED -> ApprovalOutcome.State.APPROVED;
            case REJECTED -> ApprovalOutcome.State.REJECTED;
            case EXPIRED -> ApprovalOutcome.State.EXPIRED;
            case WAITING -> ApprovalOutcome.State.WAITING;
        };
    }

    /** The outcome and the records as judged together; {@code records} is an {@link ArrayList} fit to persist. */
    record Judgement(ApprovalOutcome outcome, ArrayList<ApprovalRecord> records) {
    }
}
