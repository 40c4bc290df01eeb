package io.prodscript.engine.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.approval.Verdict.IgnoreReason;
import io.prodscript.engine.approval.Verdict.IgnoredDecision;
import io.prodscript.engine.approval.Verdict.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApprovalPolicyTest {
    private static final Instant WAITING_SINCE = Instant.parse("2025-03-01T09:00:00Z");
    private static final Instant NOW = WAITING_SINCE.plus(Duration.ofMinutes(30));
    private static final String REQUESTER = "alice";
    private static final ApprovalSubject SUBJECT =
            new ApprovalSubject("c".repeat(64), "prod-main", "run", "feedface");
    private static final ApprovalPolicy PRODUCTION = ApprovalPolicy.forTier("production");

    private static Decision approve(String user, int minute) {
        return Decision.approve(user, Set.of(), SUBJECT, WAITING_SINCE.plus(Duration.ofMinutes(minute)));
    }

    private static Decision approve(String user, Set<String> groups, int minute) {
        return Decision.approve(user, groups, SUBJECT, WAITING_SINCE.plus(Duration.ofMinutes(minute)));
    }

    private static Decision reject(String user, int minute, String comment) {
        return Decision.reject(user, Set.of(), SUBJECT, WAITING_SINCE.plus(Duration.ofMinutes(minute)), comment);
    }

    private static Verdict evaluate(ApprovalPolicy policy, Decision... decisions) {
        return policy.evaluate(SUBJECT, REQUESTER, List.of(decisions), WAITING_SINCE, NOW);
    }

    private static List<IgnoreReason> reasons(Verdict verdict) {
        return verdict.ignored().stream().map(IgnoredDecision::reason).toList();
    }

    @Test
    void productionNeedsTwoApprovalsAndOtherTiersOne() {
        assertEquals(2, ApprovalPolicy.forTier("production").requiredApprovals());
        assertEquals(2, ApprovalPolicy.forTier("Production").requiredApprovals());
        assertEquals(1, ApprovalPolicy.forTier("staging").requiredApprovals());
        assertEquals(1, ApprovalPolicy.forTier("qa").requiredApprovals());
    }

    @Test
    void aMissingTierIsTreatedAsProductionSoTheBarIsNeverLowered() {
        assertEquals(2, ApprovalPolicy.forTier(null).requiredApprovals());
        assertEquals(2, ApprovalPolicy.forTier(" ").requiredApprovals());
    }

    @Test
    void twoDistinctApproversLetAProductionRunProceed() {
        Decision bob = approve("bob", 1);
        Decision carol = approve("carol", 2);

        Verdict one = evaluate(PRODUCTION, bob);
        assertEquals(Outcome.WAITING, one.outcome());
        assertEquals("1 of 2 approvals (bob)", one.sentence());
        assertFalse(one.isFinal());

        Verdict two = evaluate(PRODUCTION, bob, carol);
        assertEquals(Outcome.PROCEED, two.outcome());
        assertEquals(List.of(bob, carol), two.approvals());
        assertEquals("approved: 2 of 2 approvals (bob, carol)", two.sentence());
        assertTrue(two.isFinal());
    }

    @Test
    void oneApprovalIsEnoughForStaging() {
        Verdict verdict = evaluate(ApprovalPolicy.forTier("staging"), approve("bob", 1));
        assertEquals(Outcome.PROCEED, verdict.outcome());
        assertEquals("approved: 1 of 1 approval (bob)", verdict.sentence());
    }

    @Test
    void noDecisionsYetIsWaiting() {
        Verdict verdict = evaluate(PRODUCTION);
        assertEquals(Outcome.WAITING, verdict.outcome());
        assertEquals("0 of 2 approvals", verdict.sentence());
        assertEquals("0 of 1 approval", evaluate(ApprovalPolicy.forTier("staging")).sentence());
    }

    @Test
    void theRequiredCountCanBeRaised() {
        ApprovalPolicy three = PRODUCTION.withRequiredApprovals(3);
        assertEquals(Outcome.WAITING, evaluate(three, approve("bob", 1), approve("carol", 2)).outcome());
        assertEquals(Outcome.PROCEED, evaluate(three, approve("bob", 1), approve("carol", 2), approve("dave", 3)).outcome());
        assertThrows(IllegalArgumentException.class, () -> PRODUCTION.withRequiredApprovals(0));
    }

    @Test
    void theSameUserApprovingTwiceCountsOnceWhateverTheCase() {
        Decision first = approve("bob", 1);
        Decision again = approve("bob", 2);
        Decision shouted = approve("BOB", 3);

        Verdict verdict = evaluate(PRODUCTION, first, again, shouted);

        assertEquals(Outcome.WAITING, verdict.outcome());
        assertEquals(List.of(first), verdict.approvals());
        assertEquals(List.of(IgnoreReason.DUPLICATE, IgnoreReason.DUPLICATE), reasons(verdict));
        assertTrue(verdict.sentence().startsWith("1 of 2 approvals (bob)"), verdict.sentence());
    }

    @Test
    void theRequesterCannotApproveTheirOwnRunAndTheSentenceSaysSo() {
        Decision own = approve("alice", 1);
        Decision bob = approve("bob", 2);

        Verdict verdict = evaluate(PRODUCTION, own, bob);

        assertEquals(Outcome.WAITING, verdict.outcome());
        assertEquals(List.of(bob), verdict.approvals());
        assertEquals(List.of(IgnoreReason.OWN_RUN), reasons(verdict));
        assertEquals("1 of 2 approvals (bob); alice cannot approve their own run", verdict.sentence());
        assertFalse(verdict.counted(own));
        assertEquals("alice cannot approve their own run", verdict.noteFor(own));
    }

    @Test
    void selfApprovalIsCaughtWhateverTheCaseOfTheName() {
        Verdict verdict = evaluate(ApprovalPolicy.forTier("staging"), approve(" Alice ", 1));
        assertEquals(Outcome.WAITING, verdict.outcome());
        assertEquals(List.of(IgnoreReason.OWN_RUN), reasons(verdict));
    }

    @Test
    void ownRunIsSaidOnceEvenWhenTheRequesterInsists() {
        Verdict verdict = evaluate(PRODUCTION, approve("alice", 1), approve("alice", 2));
        assertEquals("0 of 2 approvals; alice cannot approve their own run", verdict.sentence());
        assertEquals(2, verdict.ignored().size());
    }

    @Test
    void anIneligibleUserIsIgnored() {
        ApprovalPolicy policy = PRODUCTION.withEligibleApprovers(Set.of("Bob", "carol"), Set.of());
        Decision bob = approve("bob", 1);
        Decision dave = approve("dave", 2);

        Verdict verdict = evaluate(policy, bob, dave);

        assertEquals(Outcome.WAITING, verdict.outcome());
        assertEquals(List.of(bob), verdict.approvals());
        assertEquals(List.of(IgnoreReason.NOT_ELIGIBLE), reasons(verdict));
        assertEquals("1 of 2 approvals (bob); dave is not an eligible approver (eligible: bob or carol)",
                verdict.sentence());
    }

    @Test
    void groupMembershipAtTheTimeOfTheDecisionMakesAUserEligible() {
        ApprovalPolicy policy = PRODUCTION.withEligibleApprovers(Set.of(), Set.of("dba"));
        Decision member = approve("dave", Set.of("developers", "dba"), 1);
        Decision outsider = approve("erin", Set.of("developers"), 2);
        Decision wrongCase = approve("frank", Set.of("DBA"), 3);

        Verdict verdict = evaluate(policy, member, outsider, wrongCase);

        assertEquals(List.of(member), verdict.approvals());
        assertEquals(List.of(IgnoreReason.NOT_ELIGIBLE, IgnoreReason.NOT_ELIGIBLE), reasons(verdict));
        assertTrue(verdict.sentence().contains("erin is not an eligible approver (eligible: members of dba)"),
                verdict.sentence());
        assertEquals(Outcome.PROCEED,
                evaluate(policy, member, approve("grace", Set.of("dba"), 4)).outcome());
    }

    @Test
    void usersAndGroupsTogetherAreEligible() {
        ApprovalPolicy policy = PRODUCTION.withEligibleApprovers(Set.of("bob"), Set.of("dba"));
        Verdict verdict = evaluate(policy, approve("bob", 1), approve("dave", Set.of("dba"), 2));
        assertEquals(Outcome.PROCEED, verdict.outcome());
        assertEquals("2 approvals by bob or members of dba, not the requester", policy.describe());
    }

    @Test
    void anIneligibleUserCannotRejectEither() {
        ApprovalPolicy policy = PRODUCTION.withEligibleApprovers(Set.of("bob", "carol"), Set.of());
        Decision dave = reject("dave", 1, "I do not like it");

        Verdict verdict = evaluate(policy, approve("bob", 2), dave, approve("carol", 3));

        assertEquals(Outcome.PROCEED, verdict.outcome());
        assertTrue(verdict.rejections().isEmpty());
        assertEquals(List.of(IgnoreReason.NOT_ELIGIBLE), reasons(verdict));
        assertFalse(verdict.counted(dave));
    }

    @Test
    void anApprovalOfAnotherScriptVersionIsIgnoredAsStale() {
        ApprovalSubject previous = new ApprovalSubject("d".repeat(64), "prod-main", "run", "feedface");
        Decision stale = Decision.approve("bob", Set.of(), previous, WAITING_SINCE.plusSeconds(60));
        Decision carol = approve("carol", 2);

        Verdict verdict = evaluate(PRODUCTION, stale, carol);

        assertEquals(Outcome.WAITING, verdict.outcome());
        assertEquals(List.of(carol), verdict.approvals());
        assertEquals(List.of(IgnoreReason.STALE), reasons(verdict));
        assertEquals("1 of 2 approvals (carol); bob approved something else: the script, target, mode or rehearsal"
                + " has changed since", verdict.sentence());
    }

    @Test
    void anApprovalOfAnotherRehearsalIsIgnoredAsStale() {
        ApprovalSubject earlierRehearsal = new ApprovalSubject("c".repeat(64), "prod-main", "run", "0ddba11");
        Verdict verdict = evaluate(ApprovalPolicy.forTier("staging"),
                Decision.approve("bob", Set.of(), earlierRehearsal, WAITING_SINCE.plusSeconds(60)));
        assertEquals(Outcome.WAITING, verdict.outcome());
        assertEquals(List.of(IgnoreReason.STALE), reasons(verdict));
    }

    @Test
    void aStaleApprovalDoesNotStopTheSameUserApprovingTheCurrentVersion() {
        ApprovalSubject previous = new ApprovalSubject("d".repeat(64), "prod-main", "run", "feedface");
        Decision stale = Decision.approve("bob", Set.of(), previous, WAITING_SINCE.plusSeconds(60));
        Decision current = approve("bob", 5);

        Verdict verdict = evaluate(PRODUCTION, stale, current, approve("carol", 6));

        assertEquals(Outcome.PROCEED, verdict.outcome());
        assertTrue(verdict.counted(current));
        assertFalse(verdict.counted(stale));
    }

    @Test
    void aRejectionEndsTheRunEvenAfterEnoughApprovals() {
        Decision rejection = reject("dave", 3, "wrong\n table");

        Verdict verdict = evaluate(PRODUCTION, approve("bob", 1), approve("carol", 2), rejection);

        assertEquals(Outcome.REJECTED, verdict.outcome());
        assertEquals(List.of(rejection), verdict.rejections());
        assertEquals("rejected by dave: wrong table", verdict.sentence());
        assertTrue(verdict.isFinal());
        assertTrue(verdict.counted(rejection));
        assertEquals("rejected the run", verdict.noteFor(rejection));
    }

    @Test
    void aRejectionWithoutACommentNamesWhoRejected() {
        Verdict verdict = evaluate(PRODUCTION, reject("bob", 1, "  "), reject("carol", 2, "no backup"));
        assertEquals(Outcome.REJECTED, verdict.outcome());
        assertEquals("rejected by bob; rejected by carol: no backup", verdict.sentence());
    }

    @Test
    void aRejectionOfAnotherVersionDoesNotEndTheRun() {
        ApprovalSubject previous = new ApprovalSubject("d".repeat(64), "prod-main", "run", "feedface");
        Decision stale = Decision.reject("bob", Set.of(), previous, WAITING_SINCE.plusSeconds(60), "wrong table");

        Verdict verdict = evaluate(PRODUCTION, stale, approve("bob", 2), approve("carol", 3));

        assertEquals(Outcome.PROCEED, verdict.outcome());
        assertEquals(List.of(IgnoreReason.STALE), reasons(verdict));
    }

    @Test
    void theRequesterMayWithdrawEvenWhenNotAnEligibleApprover() {
        ApprovalPolicy policy = PRODUCTION.withEligibleApprovers(Set.of("bob"), Set.of());
        Decision withdrawal = reject("alice", 2, "found a bug");

        Verdict verdict = evaluate(policy, approve("bob", 1), withdrawal);

        assertEquals(Outcome.REJECTED, verdict.outcome());
        assertEquals("withdrawn by alice: found a bug", verdict.sentence());
        assertEquals("withdrew the request", verdict.noteFor(withdrawal));
    }

    @Test
    void aRunWithoutEnoughApprovalsExpiresOnceTheMaximumWaitIsExceeded() {
        ApprovalPolicy policy = PRODUCTION.withMaximumWait(Duration.ofHours(4));
        List<Decision> decisions = List.of(approve("bob", 10));

        Verdict atTheLimit = policy.evaluate(SUBJECT, REQUESTER, decisions, WAITING_SINCE, WAITING_SINCE.plus(Duration.ofHours(4)));
        assertEquals(Outcome.WAITING, atTheLimit.outcome());

        Verdict after = policy.evaluate(SUBJECT, REQUESTER, decisions, WAITING_SINCE,
                WAITING_SINCE.plus(Duration.ofHours(4)).plusSeconds(1));
        assertEquals(Outcome.EXPIRED, after.outcome());
        assertEquals("expired after 4h with 1 of 2 approvals (bob)", after.sentence());
        assertTrue(after.isFinal());
        assertEquals(Optional.of(WAITING_SINCE.plus(Duration.ofHours(4))), policy.deadline(WAITING_SINCE));
    }

    @Test
    void withoutAMaximumWaitARunWaitsIndefinitely() {
        Verdict verdict = PRODUCTION.evaluate(SUBJECT, REQUESTER, List.of(), WAITING_SINCE,
                WAITING_SINCE.plus(Duration.ofDays(90)));
        assertEquals(Outcome.WAITING, verdict.outcome());
        assertEquals(Optional.empty(), PRODUCTION.deadline(WAITING_SINCE));
    }

    @Test
    void anApprovalAfterTheDeadlineDoesNotCount() {
        ApprovalPolicy policy = PRODUCTION.withMaximumWait(Duration.ofMinutes(90));
        Decision late = approve("carol", 91);

        Verdict verdict = policy.evaluate(SUBJECT, REQUESTER, List.of(approve("bob", 5), late), WAITING_SINCE,
                WAITING_SINCE.plus(Duration.ofHours(2)));

        assertEquals(Outcome.EXPIRED, verdict.outcome());
        assertEquals(List.of(IgnoreReason.TOO_LATE), reasons(verdict));
        assertEquals("expired after 1h 30m with 1 of 2 approvals (bob); carol approved after the 1h 30m wait had"
                + " run out", verdict.sentence());
    }

    @Test
    void approvalsInTimeStillProceedWhenJudgedAfterTheDeadline() {
        ApprovalPolicy policy = PRODUCTION.withMaximumWait(Duration.ofHours(1));
        Verdict verdict = policy.evaluate(SUBJECT, REQUESTER, List.of(approve("bob", 5), approve("carol", 50)),
                WAITING_SINCE, WAITING_SINCE.plus(Duration.ofHours(3)));
        assertEquals(Outcome.PROCEED, verdict.outcome());
    }

    @Test
    void decisionsAreJudgedOldestFirstWhateverOrderTheyArriveIn() {
        Decision early = approve("bob", 1);
        Decision later = approve("bob", 9);

        Verdict verdict = evaluate(PRODUCTION, later, early);

        assertEquals(List.of(early), verdict.approvals());
        assertEquals(later, verdict.ignored().get(0).decision());
    }

    @Test
    void everyDecisionEndsUpInExactlyOnePlace() {
        Decision own = approve("alice", 1);
        Decision bob = approve("bob", 2);
        Decision bobAgain = approve("bob", 3);
        Decision carol = reject("carol", 4, "no");
        Verdict verdict = evaluate(PRODUCTION, own, bob, bobAgain, carol);
        assertEquals(1, verdict.approvals().size());
        assertEquals(1, verdict.rejections().size());
        assertEquals(2, verdict.ignored().size());
        assertThrows(IllegalArgumentException.class, () -> verdict.noteFor(approve("zoe", 7)));
    }

    @Test
    void theRequesterMustBeKnown() {
        assertThrows(IllegalArgumentException.class,
                () -> PRODUCTION.evaluate(SUBJECT, " ", List.of(), WAITING_SINCE, NOW));
        assertThrows(NullPointerException.class,
                () -> PRODUCTION.evaluate(SUBJECT, null, List.of(), WAITING_SINCE, NOW));
    }

    @Test
    void whyCannotDecideTellsTheUiBeforeAnythingIsRecorded() {
        ApprovalPolicy policy = PRODUCTION.withEligibleApprovers(Set.of("bob"), Set.of("dba"));

        assertEquals(Optional.of("alice cannot approve their own run"),
                policy.whyCannotDecide("alice", Set.of("dba"), "Alice", DecisionKind.APPROVE));
        assertEquals(Optional.empty(), policy.whyCannotDecide("alice", Set.of(), "alice", DecisionKind.REJECT));
        assertEquals(Optional.of("erin is not an eligible approver (eligible: bob or members of dba)"),
                policy.whyCannotDecide("erin", Set.of("developers"), "alice", DecisionKind.APPROVE));
        assertTrue(policy.whyCannotDecide("erin", Set.of(), "alice", DecisionKind.REJECT).isPresent());
        assertEquals(Optional.empty(), policy.whyCannotDecide("bob", Set.of(), "alice", DecisionKind.APPROVE));
        assertEquals(Optional.empty(), policy.whyCannotDecide("dave", Set.of("dba"), "alice", DecisionKind.REJECT));
        assertTrue(policy.whyCannotDecide(" ", Set.of(), "alice", DecisionKind.APPROVE).isPresent());
    }

    @Test
    void describeSaysWhoMayApproveAndForHowLong() {
        assertEquals("2 approvals by anyone, not the requester", PRODUCTION.describe());
        assertEquals("1 approval by anyone, not the requester, within 1d 2h",
                ApprovalPolicy.forTier("staging").withMaximumWait(Duration.ofHours(26)).describe());
        assertThrows(IllegalArgumentException.class, () -> PRODUCTION.withMaximumWait(Duration.ZERO));
    }
}
