package io.jenkins.plugins.prodscript.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.AbortException;
import org.junit.jupiter.api.Test;

/** Only a revert can put rows back with triggers suppressed; asking it of anything else is refused, not ignored. */
class ScriptRunSpecTest {
    @Test
    void aRevertMaySuppressTriggers() throws AbortException {
        ScriptRunSpec revert = ScriptRunSpec.of(null, "prod-main", "revert", "run-1");
        assertFalse(revert.isSuppressTriggers(), "triggers fire unless asked");
        assertTrue(revert.withTriggersSuppressed(true).isSuppressTriggers());
    }

    @Test
    void aRunOrRehearsalAskedToSuppressTriggersIsRefused() throws AbortException {
        for (String mode : new String[] {"run", "rehearse"}) {
            ScriptRunSpec spec = ScriptRunSpec.of("fixes/a.sql", "prod-main", mode, null);
            AbortException refused = assertThrows(AbortException.class, () -> spec.withTriggersSuppressed(true));
            assertTrue(refused.getMessage().contains("only for a revert"), refused.getMessage());
            assertFalse(spec.withTriggersSuppressed(false).isSuppressTriggers());
        }
    }
}
