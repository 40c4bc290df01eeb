package io.jenkins.plugins.prodscript.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScriptPathRuleTest {
    @Test
    void scriptsMustLieUnderTheScriptsDirectory() {
        assertEquals(Optional.empty(), ScriptPathRule.scriptProblem("scripts", "scripts/2024/fix.sql"));
        assertEquals(Optional.empty(), ScriptPathRule.scriptProblem("./scripts/", "./scripts/fix.sql"));
        assertTrue(ScriptPathRule.scriptProblem("scripts", "scriptsX/fix.sql").isPresent());
        assertTrue(ScriptPathRule.scriptProblem("scripts", "scripts/../secrets/fix.sql").isPresent());
        assertEquals(Optional.empty(), ScriptPathRule.scriptProblem("", "anywhere/fix.sql"));
    }

    @Test
    void theDirectoryMustStayInsideTheCheckout() {
        assertTrue(ScriptPathRule.directoryProblem("/etc").isPresent());
        assertTrue(ScriptPathRule.directoryProblem("../other-repo").isPresent());
        assertTrue(ScriptPathRule.directoryProblem("C:/scripts").isPresent());
        assertEquals(Optional.empty(), ScriptPathRule.directoryProblem("db/scripts"));
    }
}
