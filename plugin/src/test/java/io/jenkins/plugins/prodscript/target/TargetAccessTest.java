package io.jenkins.plugins.prodscript.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which callers, jobs and agents a target admits, without Jenkins: the rules {@link TargetAccess#check} applies. */
class TargetAccessTest {
    private static TargetDatabase target(String tier) {
        TargetDatabase target = new TargetDatabase("t", "jdbc:postgresql://db/app", "login");
        target.setTier(tier);
        return target;
    }

    @Test
    void productionTargetsAdmitOnlyTheScriptJobUnlessPipelinesAreAllowed() {
        TargetDatabase production = target("production");
        Set<String> agent = Set.of("built-in");
        assertTrue(TargetAccess.refusal(ScriptCaller.PIPELINE_STEP, "p", agent, production).orElseThrow()
                .startsWith("Pipelines may not use this target"));
        assertEquals(Optional.empty(), TargetAccess.refusal(ScriptCaller.SCRIPT_JOB, "p", agent, production));
        production.setAllowPipelines(true);
        assertEquals(Optional.empty(), TargetAccess.refusal(ScriptCaller.PIPELINE_STEP, "p", agent, production));
    }

    @Test
    void otherTiersAdmitPipelinesUnlessForbidden() {
        TargetDatabase staging = target("staging");
        Set<String> agent = Set.of("built-in");
        assertEquals(Optional.empty(), TargetAccess.refusal(ScriptCaller.PIPELINE_STEP, "p", agent, staging));
        staging.setAllowPipelines(false);
        assertTrue(TargetAccess.refusal(ScriptCaller.PIPELINE_STEP, "p", agent, staging).isPresent());
    }

    @Test
    void jobAndAgentListsApplyToEveryCaller() {
        TargetDatabase target = target("staging");
        target.setAllowedJobs("dba/");
        target.setAllowedAgentLabels("db-runners");
        assertTrue(TargetAccess.refusal(ScriptCaller.SCRIPT_JOB, "ops/fix", Set.of("db-runners"), target).orElseThrow()
                .contains("the job ops/fix is not in the target's list of allowed jobs"));
        assertTrue(TargetAccess.refusal(ScriptCaller.SCRIPT_JOB, "dba/fix", Set.of("linux"), target).orElseThrow()
                .contains("none of the target's allowed labels (db-runners)"));
        assertEquals(Optional.empty(), TargetAccess.refusal(ScriptCaller.SCRIPT_JOB, "dba/fix", Set.of("db-runners"), target));
    }

    @Test
    void anAgentsNameIsOneOfItsLabelsAndTheControllerIsBuiltIn() {
        assertEquals(Set.of("agent-1", "linux", "db-runners"), TargetAccess.labelsOf("agent-1", " linux  db-runners "));
        assertEquals(Set.of("built-in"), TargetAccess.labelsOf("", ""));
        assertEquals(Set.of("built-in"), TargetAccess.labelsOf(null, null));
    }
}
