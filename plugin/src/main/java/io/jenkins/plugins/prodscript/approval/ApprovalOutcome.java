package io.jenkins.plugins.prodscript.approval;

import java.io.Serializable;
import java.util.Objects;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * Where the approval of one build stands, as the engine's approval policy judged it.
 *
 * <p>Plain values only, so callers (the run orchestration, the Pipeline step, views) need no engine type.
 */
@ExportedBean(defaultVisibility = 3)
public final class ApprovalOutcome implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Whether the build may go ahead. */
    public enum State {
        /** Enough approvals and no rejection: the run may start. */
        APPROVED,
        /** Someone eligible rejected it, or the requester withdrew it. Final. */
        REJECTED,
        /** The maximum wait ran out before enough approvals arrived. Final; nothing was changed. */
        EXPIRED,
        /** Not enough approvals yet, and time remains. */
        WAITING,
        /** The build ended (aborted, or Jenkins stopped) before a decision. Final; nothing was changed. */
        CANCELLED
    }

    private final State state;
    private final String reason;
    private final int countedApprovals;
    private final int requiredApprovals;

    /**
     * @param state             where the approval stands
     * @param reason            the policy's sentence for people, e.g. {@code 1 of 2 approvals (bob)}
     * @param countedApprovals  how many approvals counted
     * @param requiredApprovals how many are needed
     */
    public ApprovalOutcome(State state, String reason, int countedApprovals, int requiredApprovals) {
        this.state = Objects.requireNonNull(state, "state");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.countedApprovals = countedApprovals;
        this.requiredApprovals = requiredApprovals;
    }

    @Exported
    public State getState() {
        return state;
    }

    @Exported
    public String getReason() {
        return reason;
    }

    @Exported
    public int getCountedApprovals() {
        return countedApprovals;
    }

    @Exported
    public int getRequiredApprovals() {
        return requiredApprovals;
    }

    /** Where the approval stands in words, e.g. {@code Waiting for 2 approvals (0 so far)}. */
    @Exported
    public String getSummary() {
        String counts = countedApprovals + " of " + requiredApprovals;
        return switch (state) {
            case WAITING -> "Waiting for " + requiredApprovals + (requiredApprovals == 1 ? " approval" : " approvals")
                    + " (" + countedApprovals + " so far)";
            case APPROVED -> "Approved (" + counts + ")";
            case REJECTED -> "Rejected";
            case EXPIRED -> "Expired before enough approvals (" + counts + ")";
            case CANCELLED -> "Cancelled: the build ended before a decision (" + counts + ")";
        };
    }

    /** True when the run may start. */
    public boolean isApproved() {
        return state == State.APPROVED;
    }

    /** The same counts, with the build ended before a decision: the final state of an abandoned wait. */
    ApprovalOutcome cancelled() {
        return new ApprovalOutcome(State.CANCELLED, "the build ended before a decision (" + reason + ")",
                countedApprovals, requiredApprovals);
    }

    /** True unless still waiting: nothing more will change the outcome. */
    public boolean isDecided() {
        return state != State.WAITING;
    }

    @Override
    public String toString() {
        return state + ": " + reason;
    }
}
