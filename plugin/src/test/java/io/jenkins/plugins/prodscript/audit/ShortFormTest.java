package io.jenkins.plugins.prodscript.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the tables show of long values: enough to tell them apart, never an exception for a missing one. */
class ShortFormTest {
    private static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void checksumsAndCommitsAreShortened() {
        assertEquals("9f86d081884c", ShortForm.checksum(SHA256));
        assertEquals("9f86d08188", ShortForm.commit(SHA256.substring(0, 40)));
    }

    @Test
    void shortOrMissingValuesStayAsTheyAre() {
        assertEquals("abc", ShortForm.checksum("abc"));
        assertEquals("", ShortForm.checksum(null));
        assertEquals("", ShortForm.commit(null));
    }

    @Test
    void datesAreShownToTheMinuteInUtc() {
        assertEquals("2026-05-04 13:07 UTC", ShortForm.dateTime(java.time.Instant.parse("2026-05-04T13:07:59.999Z").toEpochMilli()));
    }

    @Test
    void everyStatusHasWordsOtherThanItsName() {
        for (ScriptRunStatus status : ScriptRunStatus.values()) {
            assertEquals(false, status.getWords().equals(status.name()), status.name());
        }
        assertEquals("Waiting for approval", ScriptRunStatus.WAITING_FOR_APPROVAL.getWords());
    }
}
