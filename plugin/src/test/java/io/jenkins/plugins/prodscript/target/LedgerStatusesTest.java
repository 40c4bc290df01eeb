package io.jenkins.plugins.prodscript.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ledger.LedgerSchema;
import org.junit.jupiter.api.Test;

/** What the target's page and Test connection say about a target's ledger, for each version the engine reports. */
class LedgerStatusesTest {
    @Test
    void eachInstalledVersionIsSaidWithWhatToDo() {
        assertEquals("Ledger installed, version " + LedgerSchema.VERSION + ".", LedgerStatuses.describeVersion(LedgerSchema.VERSION));
        assertTrue(LedgerStatuses.describeVersion(-1).contains("not installed: runs are refused until an administrator presses Prepare target"));
        assertTrue(LedgerStatuses.describeVersion(0).contains("older than the version " + LedgerSchema.VERSION));
        assertTrue(LedgerStatuses.describeVersion(LedgerSchema.VERSION + 1).contains("update the plugin"));
    }

    @Test
    void theLastSightingIsShownWithHowItWasSeen() {
        assertTrue(LedgerStatuses.describe("never-checked-target").startsWith("Not checked since Jenkins started"));
        LedgerStatuses.seen("checked-target", -1, "Test connection");
        assertTrue(LedgerStatuses.describe("checked-target").startsWith("Ledger not installed"));
        assertTrue(LedgerStatuses.describe("checked-target").contains("(seen by Test connection, "));
        LedgerStatuses.seen("checked-target", LedgerSchema.VERSION, "Prepare target");
        assertTrue(LedgerStatuses.describe("checked-target").startsWith("Ledger installed"), "the latest sighting counts");
    }
}
