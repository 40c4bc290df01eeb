package io.prodscript.engine.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ApprovalSubjectTest {
    private static final String CHECKSUM = "a".repeat(64);
    private static final ApprovalSubject SUBJECT = new ApprovalSubject(CHECKSUM, "prod-main", "run", "0123abcd");

    @Test
    void digestIsPinnedSoStoredDecisionsKeepTheirMeaningAcrossVersions() {
        // Computed independently with: printf 'prodscript approval subject v1\n64:aaa…\n9:prod-main\n3:run\n
        // 18:rehearsal:0123abcd\n' | sha256sum
        assertEquals("d916ef38066144e90e91de7fadae2d1a8a105d3e1cbc9d0bdaab78d6d6afe338", SUBJECT.digest());
    }

    @Test
    void equalSubjectsHaveEqualDigestsWhateverTheCaseOfHexAndMode() {
        ApprovalSubject shouted = new ApprovalSubject(CHECKSUM.toUpperCase(), "prod-main", "RUN", "0123ABCD");
        assertEquals(SUBJECT.digest(), shouted.digest());
        assertEquals(SUBJECT, shouted);
    }

    @Test
    void everyPartOfTheSubjectChangesTheDigest() {
        String digest = SUBJECT.digest();
        assertNotEquals(digest, new ApprovalSubject("b".repeat(64), "prod-main", "run", "0123abcd").digest());
        assertNotEquals(digest, new ApprovalSubject(CHECKSUM, "prod-other", "run", "0123abcd").digest());
        assertNotEquals(digest, new ApprovalSubject(CHECKSUM, "prod-main", "revert", "0123abcd").digest());
        assertNotEquals(digest, new ApprovalSubject(CHECKSUM, "prod-main", "run", "0123abce").digest());
        assertNotEquals(digest, new ApprovalSubject(CHECKSUM, "prod-main", "run", null).digest());
    }

    @Test
    void targetNamesAreComparedExactly() {
        assertNotEquals(SUBJECT.digest(), new ApprovalSubject(CHECKSUM, "Prod-Main", "run", "0123abcd").digest());
    }

    @Test
    void refusesValuesThatCannotBeWhatTheyClaim() {
        assertThrows(IllegalArgumentException.class, () -> new ApprovalSubject("abc", "prod-main", "run", null));
        assertThrows(IllegalArgumentException.class, () -> new ApprovalSubject("g".repeat(64), "prod-main", "run", null));
        assertThrows(IllegalArgumentException.class, () -> new ApprovalSubject(CHECKSUM, " ", "run", null));
        assertThrows(IllegalArgumentException.class, () -> new ApprovalSubject(CHECKSUM, "prod-main", "", null));
        assertThrows(IllegalArgumentException.class, () -> new ApprovalSubject(CHECKSUM, "prod-main", "run", "report.json"));
        assertThrows(NullPointerException.class, () -> new ApprovalSubject(null, "prod-main", "run", null));
    }
}
