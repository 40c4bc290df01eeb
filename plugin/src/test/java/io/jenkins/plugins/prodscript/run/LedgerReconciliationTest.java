package io.jenkins.plugins.prodscript.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import org.junit.jupiter.api.Test;

/** How the target's ledger decides a run the build lost sight of, without Jenkins. */
class LedgerReconciliationTest {
    @Test
    void theLedgersWordDecides() {
        assertEquals(ScriptRunStatus.COMMITTED, LedgerReconciliation.statusOf("committed"));
        assertEquals(ScriptRunStatus.COMMITTED, LedgerReconciliation.statusOf("reverted"), "it committed, then was undone");
        assertEquals(ScriptRunStatus.FAILED, LedgerReconciliation.statusOf("failed"));
        assertEquals(ScriptRunStatus.CANCELLED, LedgerReconciliation.statusOf("cancelled"));
        assertEquals(ScriptRunStatus.CANCELLED, LedgerReconciliation.statusOf("interrupted"));
    }

    @Test
    void aRunStillRunningStaysUnknownAndOneNeverRecordedDidNotRun() {
        assertEquals(ScriptRunStatus.UNKNOWN, LedgerReconciliation.statusOf("running"));
        assertEquals(ScriptRunStatus.CANCELLED, LedgerReconciliation.statusOf(null));
    }
}
