package io.jenkins.plugins.prodscript.job;

import static io.jenkins.plugins.prodscript.testing.Fixtures.SCRIPT;
import static io.jenkins.plugins.prodscript.testing.Fixtures.abortOnceTheRunWaitsForALock;
import static io.jenkins.plugins.prodscript.testing.Fixtures.committedRun;
import static io.jenkins.plugins.prodscript.testing.Fixtures.configureTarget;
import static io.jenkins.plugins.prodscript.testing.Fixtures.parameters;
import static io.jenkins.plugins.prodscript.testing.Fixtures.requestedBy;
import static io.jenkins.plugins.prodscript.testing.Fixtures.scriptJob;
import static io.jenkins.plugins.prodscript.testing.Fixtures.secure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.testing.TestTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * A run whose outcome the build lost sight of is settled from the target's ledger, never guessed: an abort while it
 * runs whose agent cannot answer, and a restart after it started. An abort the agent answers ends with the agent's
 * report (the run rolled back), and a build that ended while it waited for approval never leaves its record waiting.
 */
class ReconciliationTest {
    private static final String JOB = "fix";

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void anAbortWhileTheRunWaitsOnALockEndsTheBuildOnlyAfterTheAgentRolledBack() throws Throwable {
        sessions.then(j -> {
            TestTarget database = TestTarget.create();
            ScriptRunProject job = prepare(j, database);
            ScriptRunBuild build = j.waitForMessage("Approve or reject",
                    job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, "staging-db", "run")).waitForStart());
            abortOnceTheRunWaitsForALock(j, build, database);
            assertFalse(build.isKeepLog());
        });
    }

    @Test
    void aRecordLeftWaitingForApprovalByABuildThatEndedIsCancelledWhenLoaded() throws Throwable {
        int[] number = new int[1];
        sessions.then(j -> {
            ScriptRunProject job = prepare(j, TestTarget.create());
            ScriptRunBuild build = j.assertBuildStatusSuccess(job.scheduleBuild2(0, parameters(SCRIPT, "staging-db", "rehearse")));
            // As Jenkins would have left it had it died while the build waited for approval.
            build.getAction(ScriptRunAction.class).setStatus(ScriptRunStatus.WAITING_FOR_APPROVAL, null);
            build.save();
            number[0] = build.getNumber();
        });
        sessions.then(j -> {
            ScriptRunBuild build = j.jenkins.getItemByFullName(JOB, ScriptRunProject.class).getBuildByNumber(number[0]);

            ScriptRunAction record = awaitSettled(build);
            assertEquals(ScriptRunStatus.CANCELLED, record.getStatus(), record.getMessage());
            assertTrue(record.getMessage().contains("the run was never started, so nothing was run"), record.getMessage());
        });
    }

    @Test
    void aRunLeftRunningByARestartIsSettledFromTheLedgerAndKept() throws Throwable {
        int[] number = new int[1];
        TestTarget[] database = new TestTarget[1];
        sessions.then(j -> {
            database[0] = TestTarget.create();
            ScriptRunProject job = prepare(j, database[0]);
            ScriptRunBuild build = committedRun(j, job, "staging-db");
            // As Jenkins would have left it had it died between the COMMIT and recording it.
            build.getAction(ScriptRunAction.class).setStatus(ScriptRunStatus.RUNNING, null);
            build.keepLog(false);
            build.save();
            number[0] = build.getNumber();
        });
        sessions.then(j -> {
            ScriptRunBuild build = j.jenkins.getItemByFullName(JOB, ScriptRunProject.class).getBuildByNumber(number[0]);

            ScriptRunAction record = awaitSettled(build);
            assertEquals(ScriptRunStatus.COMMITTED, record.getStatus(), record.getMessage());
            assertTrue(record.getMessage().startsWith("Reconciled from the target's ledger: committed, 2 row(s)"),
                    record.getMessage());
            assertEquals(2, record.getRowsChanged());
            assertTrue(build.isKeepLog(), "a committed run is kept");
            assertTrue(record.getArtifacts().contains("prodscript/manifest.json"), record.getArtifacts().toString());
            assertEquals(0, database[0].upperCaseEmails());
        });
    }

    private static ScriptRunProject prepare(JenkinsRule j, TestTarget database) throws Exception {
        configureTarget("staging-db", database, "staging");
        ScriptRunProject job = scriptJob(j, JOB, "staging-db");
        secure(j, job);
        return job;
    }

    /** The record once the ledger has settled it (reading happens in the background). */
    private static ScriptRunAction awaitSettled(ScriptRunBuild build) throws InterruptedException {
        ScriptRunAction record = build.getAction(ScriptRunAction.class);
        for (int i = 0; i < 300 && !record.getStatus().isSettled(); i++) {
            Thread.sleep(100);
        }
        return record;
    }
}
