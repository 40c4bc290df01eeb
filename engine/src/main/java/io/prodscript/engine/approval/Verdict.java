package io.prodscript.engine.approval;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the decisions collected so far mean for a run, according to an {@link ApprovalPolicy}.
 *
 * <p>Every decision given to {@link ApprovalPolicy#evaluate} ends up in exactly one of {@link #approvals()},
 * {@link #rejections()} and {@link #ignored()}.
 *
 * @param outcome           whether the run may go ahead, is stopped, or is still waiting
 * @param requester         who requested the run
 * @param requiredApprovals how many distinct approvals the policy asks for
 * @param approvals         the approvals that counted, oldest first, one per person
 * @param rejections        the rejections that took effect, oldest first (empty unless the outcome is REJECTED)
 * @param ignored           the decisions that did not count, each with the reason
 * @param sentence          the state in one sentence for people, e.g. {@code 1 of 2 approvals (bob); alice cannot
 *                          approve their own run}
 */
public record Verdict(Outcome outcome, String requester, int requiredApprovals, List<Decision> approvals, List<Decision> rejections,
                      List<IgnoredDecision> ignored, String sentence) {

    /** Whether a run may start. */
    public enum Outcome {
        /** Enough approvals, no rejection: the run may start. */
        PROCEED,
        /** An eligible person rejected it, or the requester withdrew it. Final. */
        REJECTED,
        /** Not enough approvals yet, and time remains. */
        WAITING,
        /** The maximum wait ran out before enough approvals arrived. Final. */
        EXPIRED
    }

    /** Why a decision did not count. */
    public enum IgnoreReason {
        /** Made against another script, target, mode or rehearsal than the current one. */
        STALE,
        /** An approval by the person who requested the run. */
        OWN_RUN,
        /** By someone the policy does not allow to decide. */
        NOT_ELIGIBLE,
        /** The same person already made the same decision; it counts once. */
        DUPLICATE,
        /** An approval made after the maximum wait had run out. */
        TOO_LATE
    }

    /**
     * A decision that did not count.
     *
     * @param decision    the decision
     * @param reason      why, for programs
     * @param explanation why, for people, e.g. {@code alice cannot approve their own run}
     */
    public record IgnoredDecision(Decision decision, IgnoreReason reason, String explanation) {
        public IgnoredDecision {
            Objects.requireNonNull(decision, "decision");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(explanation, "explanation");
        }
    }

    public Verdict {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(requester, "requester");
        approvals = List.copyOf(approvals);
        rejections = List.copyOf(rejections);
        ignored = List.copyOf(ignored);
        Objects.requireNonNull(sentence, "sentence");
    }

    /** True unless the outcome is WAITING: nothing more is to be collected. */
    public boolean isFinal() {
        return outcome != Outcome.WAITING;
    }

    /** Whether this decision counted: an approval that was accepted, or a rejection that took effect. */
    public boolean counted(Decision decision) {
        return approvals.contains(decision) || rejections.contains(decision);
    }

    /** Why this decision did not count, or empty when it counted. */
    public Optional<String> whyIgnored(Decision decision) {
        return ignored.stream().filter(i -> i.decision().equals(decision)).map(IgnoredDecision::explanation).findFirst();
    }

    /**
     * A short note on what became of this decision, for {@link ApprovalLedger#record}: {@code counted},
     * {@code rejected the run}, {@code withdrew the request} or the reason it was ignored.
     *
     * <p>Two decisions with equal fields are indistinguishable; the note is the one for the first of them.
     *
     * @throws IllegalArgumentException if the decision was not among those evaluated
     */
    public String noteFor(Decision decision) {
        if (approvals.contains(decision)) {
            return "counted";
        }
        if (rejections.contains(decision)) {
            return Decision.identity(decision.userId()).equals(Decision.identity(requester)) ? "withdrew the request" : "rejected the run";
        }
        return whyIgnored(decision).orElseThrow(
                () -> new IllegalArgumentException("this decision was not part of the evaluation"));
    }
}
