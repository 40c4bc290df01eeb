package io.jenkins.plugins.prodscript.approval;

import static io.jenkins.plugins.prodscript.approval.ApprovalRequests.CHECKSUM;
import static io.jenkins.plugins.prodscript.approval.ApprovalRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The plugin asks the engine's policy and keeps its notes; these pin down that the bridge loses nothing. */
class ApprovalJudgeTest {
    private static final long OPENED = 1_700_000_000_000L;

    private static ApprovalRecord decision(ApprovalJudge judge, String user, ApprovalRecord.Kind kind, long at) {
        return new ApprovalRecord(user, user, List.of(), kind, OPENED + at, null, CHECKSUM, judge.subjectDigest(),
                false, null);
    }

    @Test
    void twoOtherPeopleApprove() {
        ApprovalJudge judge = new ApprovalJudge(request(List.of(), 0), OPENED);
        List<ApprovalRecord> records = List.of(decision(judge, "bob", ApprovalRecord.Kind.APPROVE, 10),
                decision(judge, "carol", ApprovalRecord.Kind.APPROVE, 20));

        ApprovalJudge.Judgement judgement = judge.judge(records, Instant.ofEpochMilli(OPENED + 30));

        assertEquals(ApprovalOutcome.State.APPROVED, judgement.outcome().getState());
        assertEquals(2, judgement.outcome().getCountedApprovals());
        assertTrue(judgement.records().stream().allMatch(ApprovalRecord::isCounted));
        assertEquals("counted", judgement.records().get(0).getNote());
    }

    @Test
    void theRequestersApprovalIsKeptButDoesNotCount() {
        ApprovalJudge judge = new ApprovalJudge(request(List.of(), 0), OPENED);

        ApprovalJudge.Judgement judgement = judge.judge(
                List.of(decision(judge, "Alice", ApprovalRecord.Kind.APPROVE, 10)), Instant.ofEpochMilli(OPENED + 20));

        assertEquals(ApprovalOutcome.State.WAITING, judgement.outcome().getState());
        ApprovalRecord judged = judgement.records().get(0);
        assertFalse(judged.isCounted());
        assertEquals("Alice cannot approve their own run", judged.getNote());
        assertTrue(judge.whyCannotDecide(new Approver("alice", "Alice", List.of()), ApprovalRecord.Kind.APPROVE)
                .isPresent());
        assertEquals(Optional.empty(),
                judge.whyCannotDecide(new Approver("alice", "Alice", List.of()), ApprovalRecord.Kind.REJECT),
                "the requester may withdraw");
    }

    @Test
    void aSecondApprovalBySamePersonCountsOnce() {
        ApprovalJudge judge = new ApprovalJudge(request(List.of(), 0), OPENED);

        ApprovalJudge.Judgement judgement = judge.judge(List.of(decision(judge, "bob", ApprovalRecord.Kind.APPROVE, 10),
                decision(judge, "bob", ApprovalRecord.Kind.APPROVE, 20)), Instant.ofEpochMilli(OPENED + 30));

        assertEquals(ApprovalOutcome.State.WAITING, judgement.outcome().getState());
        assertEquals(1, judgement.outcome().getCountedApprovals());
        assertFalse(judgement.records().get(1).isCounted());
    }

    @Test
    void oneRejectionEndsTheRun() {
        ApprovalJudge judge = new ApprovalJudge(request(List.of(), 0), OPENED);
        List<ApprovalRecord> records = new ArrayList<>();
        records.add(decision(judge, "bob", ApprovalRecord.Kind.APPROVE, 10));
        records.add(new ApprovalRecord("carol", "Carol", List.of(), ApprovalRecord.Kind.REJECT, OPENED + 20,
                "wrong table", CHECKSUM, judge.subjectDigest(), false, null));

        ApprovalOutcome outcome = judge.judge(records, Instant.ofEpochMilli(OPENED + 30)).outcome();

        assertEquals(ApprovalOutcome.State.REJECTED, outcome.getState());
        assertEquals("rejected by carol: wrong table", outcome.getReason());
    }

    @Test
    void onlyEligibleApproversCount() {
        ApprovalJudge judge = new ApprovalJudge(request(List.of("bob", "dave"), 0), OPENED);

        ApprovalJudge.Judgement judgement = judge.judge(List.of(decision(judge, "carol", ApprovalRecord.Kind.APPROVE, 10)),
                Instant.ofEpochMilli(OPENED + 20));

        assertFalse(judgement.records().get(0).isCounted());
        assertTrue(judge.whyCannotDecide(new Approver("carol", "Carol", List.of()), ApprovalRecord.Kind.APPROVE)
                .isPresent());
    }

    @Test
    void theWaitExpiresWithoutEnoughApprovals() {
        ApprovalJudge judge = new ApprovalJudge(request(List.of(), 60_000), OPENED);
        List<ApprovalRecord> oneApproval = List.of(decision(judge, "bob", ApprovalRecord.Kind.APPROVE, 10));

        assertEquals(ApprovalOutcome.State.WAITING,
                judge.judge(oneApproval, Instant.ofEpochMilli(OPENED + 59_000)).outcome().getState());
        assertEquals(ApprovalOutcome.State.EXPIRED,
                judge.judge(oneApproval, Instant.ofEpochMilli(OPENED + 61_000)).outcome().getState());
        assertEquals(Optional.of(OPENED + 60_000), judge.deadlineMillis());
    }

    @Test
    void aRequestThatCannotBeJudgedFailsWhenTheWaitOpens() {
        ApprovalRequest notASha256 = new ApprovalRequest("run-1", "a.sql", "not-a-checksum", null, "prod-main",
                "production", "run", null, "alice", List.of(), 2, List.of(), List.of(), 0);

        assertThrows(IllegalArgumentException.class, () -> new ApprovalJudge(notASha256, OPENED));
    }
}
