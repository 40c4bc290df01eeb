package io.jenkins.plugins.prodscript.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Where an approval stands, as the build page and the job page say it. */
class ApprovalOutcomeTest {
    @Test
    void aWaitingApprovalSaysHowManyAreNeededAndHowManyCame() {
        assertEquals("Waiting for 2 approvals (0 so far)",
                new ApprovalOutcome(ApprovalOutcome.State.WAITING, "0 of 2 approvals", 0, 2).getSummary());
        assertEquals("Waiting for 1 approval (0 so far)",
                new ApprovalOutcome(ApprovalOutcome.State.WAITING, "0 of 1 approvals", 0, 1).getSummary());
    }

    @Test
    void finalStatesSayWhatHappened() {
        assertEquals("Approved (2 of 2)", new ApprovalOutcome(ApprovalOutcome.State.APPROVED, "x", 2, 2).getSummary());
        assertEquals("Rejected", new ApprovalOutcome(ApprovalOutcome.State.REJECTED, "x", 1, 2).getSummary());
        assertEquals("Expired before enough approvals (1 of 2)",
                new ApprovalOutcome(ApprovalOutcome.State.EXPIRED, "x", 1, 2).getSummary());
    }

    @Test
    void aWaitThatEndedWithTheBuildIsFinalAndKeepsItsCounts() {
        ApprovalOutcome waiting = new ApprovalOutcome(ApprovalOutcome.State.WAITING, "1 of 2 approvals (bob)", 1, 2);
        ApprovalOutcome cancelled = waiting.cancelled();
        assertEquals(ApprovalOutcome.State.CANCELLED, cancelled.getState());
        assertTrue(cancelled.isDecided());
        assertTrue(!cancelled.isApproved());
        assertEquals(1, cancelled.getCountedApprovals());
        assertEquals("the build ended before a decision (1 of 2 approvals (bob))", cancelled.getReason());
    }
}
