package io.jenkins.plugins.prodscript.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which statuses the target's ledger still has to settle: those a restart must read again. */
class ScriptRunStatusTest {
    @Test
    void anUnknownOutcomeIsOverButNotSettled() {
        assertEquals(true, ScriptRunStatus.UNKNOWN.isFinal(), "the build's part is over");
        assertEquals(false, ScriptRunStatus.UNKNOWN.isSettled(), "the ledger has not decided yet");
        assertEquals(List.of(ScriptRunStatus.RUNNING, ScriptRunStatus.UNKNOWN),
                Arrays.stream(ScriptRunStatus.values()).filter(ScriptRunStatus::isOutcomePending).toList());
        assertEquals(List.of(ScriptRunStatus.REFUSED, ScriptRunStatus.REHEARSED, ScriptRunStatus.REHEARSAL_FAILED,
                        ScriptRunStatus.REJECTED, ScriptRunStatus.EXPIRED, ScriptRunStatus.COMMITTED,
                        ScriptRunStatus.FAILED, ScriptRunStatus.CANCELLED),
                Arrays.stream(ScriptRunStatus.values()).filter(ScriptRunStatus::isSettled).toList());
    }
}
