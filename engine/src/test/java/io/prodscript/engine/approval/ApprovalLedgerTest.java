package io.prodscript.engine.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApprovalLedgerTest {
    private static final Instant AT = Instant.parse("2025-03-01T09:00:00Z");
    private static final ApprovalSubject SUBJECT = new ApprovalSubject("e".repeat(64), "prod-main", "run", "abc123");

    private static int approvalsTables(TestDatabase db) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT count(*) FROM pg_tables WHERE schemaname = 'script_runner' AND tablename = 'approvals'")
                .mapTo(Integer.class).one());
    }

    @Test
    void decisionsPersistAndAreListedInTheOrderRecorded() {
        TestDatabase db = TestDatabase.create();
        ApprovalLedger ledger = new ApprovalLedger(db.runnerJdbi());
        ApprovalSubject previous = new ApprovalSubject("f".repeat(64), "prod-main", "run", "abc123");
        Decision own = Decision.approve("alice", Set.of(), SUBJECT, AT.plusSeconds(10));
        Decision stale = Decision.approve("bob", Set.of("dba"), previous, AT.plusSeconds(5));
        Decision rejection = Decision.reject("carol", Set.of(), SUBJECT, AT.plusSeconds(20), "wrong table");

        RecordedDecision first = ledger.record("run-1", SUBJECT, own, false, "alice cannot approve their own run");
        ledger.record("run-2", SUBJECT, Decision.approve("dave", Set.of(), SUBJECT, AT), true, "counted");
        ledger.record("run-1", SUBJECT, stale, false, "stale");
        ledger.record("run-1", SUBJECT, rejection, true, "rejected the run");

        // A new ledger object reads what the first one wrote: it is in the database, not in memory.
        List<RecordedDecision> rows = new ApprovalLedger(db.runnerJdbi()).list("run-1");

        assertEquals(List.of("alice", "bob", "carol"), rows.stream().map(RecordedDecision::userId).toList());
        assertEquals(first, rows.get(0));
        assertTrue(rows.get(0).id() < rows.get(1).id());
        RecordedDecision alice = rows.get(0);
        assertEquals("run-1", alice.runId());
        assertEquals(SUBJECT.scriptChecksum(), alice.scriptChecksum());
        assertEquals("prod-main", alice.targetName());
        assertEquals("run", alice.mode());
        assertEquals("abc123", alice.rehearsalDigest());
        assertEquals(SUBJECT.digest(), alice.subjectDigest());
        assertEquals(DecisionKind.APPROVE, alice.kind());
        assertNull(alice.comment());
        assertEquals(AT.plusSeconds(10), alice.decidedAt());
        assertFalse(alice.counted());
        assertEquals("alice cannot approve their own run", alice.note());

        assertEquals(previous.digest(), rows.get(1).subjectDigest());
        RecordedDecision carol = rows.get(2);
        assertEquals(DecisionKind.REJECT, carol.kind());
        assertEquals("wrong table", carol.comment());
        assertTrue(carol.counted());

        assertEquals(List.of("dave"), ledger.list("run-2").stream().map(RecordedDecision::userId).toList());
        assertEquals(List.of(), ledger.list("run-3"));
    }

    @Test
    void anAuditorCanReadDecisionsWithPlainSql() {
        TestDatabase db = TestDatabase.create();
        new ApprovalLedger(db.runnerJdbi()).record("run-7", SUBJECT,
                Decision.approve("bob", Set.of(), SUBJECT, AT), true, "counted");

        Map<String, Object> row = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT user_id, decision, script_checksum, counted FROM script_runner.approvals WHERE run_id = 'run-7'")
                .mapToMap().one());

        assertEquals("bob", row.get("user_id"));
        assertEquals("approve", row.get("decision"));
        assertEquals(SUBJECT.scriptChecksum(), row.get("script_checksum"));
        assertEquals(Boolean.TRUE, row.get("counted"));
    }

    @Test
    void anUninstalledLedgerIsRefusedSayingWhatToRun() {
        TestDatabase db = TestDatabase.createWithoutLedger();
        ApprovalLedger ledger = new ApprovalLedger(db.runnerJdbi());
        IllegalStateException listing = assertThrows(IllegalStateException.class, () -> ledger.list("run-1"));
        assertTrue(listing.getMessage().contains("prodscript install"), listing.getMessage());
        assertThrows(IllegalStateException.class, () -> ledger.record("run-1", SUBJECT,
                Decision.approve("bob", Set.of(), SUBJECT, AT), true, "counted"));
        assertEquals(0, approvalsTables(db));
    }

    @Test
    void aVerdictSaysWhatToRecordForEachDecision() {
        TestDatabase db = TestDatabase.create();
        ApprovalLedger ledger = new ApprovalLedger(db.runnerJdbi());
        Decision own = Decision.approve("alice", Set.of(), SUBJECT, AT.plusSeconds(1));
        Decision bob = Decision.approve("bob", Set.of(), SUBJECT, AT.plusSeconds(2));
        Verdict verdict = ApprovalPolicy.forTier("production")
                .evaluate(SUBJECT, "alice", List.of(own, bob), AT, AT.plus(Duration.ofMinutes(5)));

        for (Decision decision : List.of(own, bob)) {
            ledger.record("run-9", SUBJECT, decision, verdict.counted(decision), verdict.noteFor(decision));
        }

        List<RecordedDecision> rows = ledger.list("run-9");
        assertEquals(List.of(false, true), rows.stream().map(RecordedDecision::counted).toList());
        assertEquals(List.of("alice cannot approve their own run", "counted"),
                rows.stream().map(RecordedDecision::note).toList());
    }
}
