package io.jenkins.plugins.prodscript.job;

import static io.jenkins.plugins.prodscript.testing.Fixtures.SCRIPT;
import static io.jenkins.plugins.prodscript.testing.Fixtures.committedRun;
import static io.jenkins.plugins.prodscript.testing.Fixtures.configureTarget;
import static io.jenkins.plugins.prodscript.testing.Fixtures.parameters;
import static io.jenkins.plugins.prodscript.testing.Fixtures.scriptJob;
import static io.jenkins.plugins.prodscript.testing.Fixtures.secure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.tasks.LogRotator;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.testing.TestTarget;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The build record of a change is an audit record: it outlives build discarders. */
@WithJenkins
class ScriptRunRecordTest {
    @Test
    void aDiscarderKeepsTheCommittedRunAndDiscardsRehearsals(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging");
        configureTarget("staging-2", TestTarget.create(), "staging");
        ScriptRunProject job = scriptJob(j, "fix", "staging-db", "staging-2");
        secure(j, job);

        ScriptRunBuild committed = committedRun(j, job, "staging-db");
        assertEquals(ScriptRunStatus.COMMITTED, committed.getAction(ScriptRunAction.class).getStatus());
        assertTrue(committed.isKeepLog(), "a committed run is kept");

        // On another target, whose ledger has not applied the script: the last of these is the last successful build,
        // which discarders keep anyway, so the committed run is kept only because it is marked.
        ScriptRunBuild rehearsal = j.assertBuildStatusSuccess(
                job.scheduleBuild2(0, parameters(SCRIPT, "staging-2", "rehearse")));
        assertFalse(rehearsal.isKeepLog(), "a rehearsal changed nothing and is not kept");
        j.assertBuildStatusSuccess(job.scheduleBuild2(0, parameters(SCRIPT, "staging-2", "rehearse")));
        job.setBuildDiscarder(new LogRotator(-1, 1, -1, -1));
        job.logRotate();

        assertNotNull(job.getBuildByNumber(committed.getNumber()), "the committed run outlives the discarder");
        assertNull(job.getBuildByNumber(rehearsal.getNumber()), "an older rehearsal is discarded");
    }
}
