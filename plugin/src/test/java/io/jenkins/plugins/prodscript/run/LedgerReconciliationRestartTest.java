package io.jenkins.plugins.prodscript.run;

import static io.jenkins.plugins.prodscript.testing.Fixtures.SCRIPT;
import static io.jenkins.plugins.prodscript.testing.Fixtures.committedRun;
import static io.jenkins.plugins.prodscript.testing.Fixtures.configureTarget;
import static io.jenkins.plugins.prodscript.testing.Fixtures.parameters;
import static io.jenkins.plugins.prodscript.testing.Fixtures.requestedBy;
import static io.jenkins.plugins.prodscript.testing.Fixtures.scriptJob;
import static io.jenkins.plugins.prodscript.testing.Fixtures.secure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.job.ScriptRunBuild;
import io.jenkins.plugins.prodscript.job.ScriptRunProject;
import io.jenkins.plugins.prodscript.testing.TestTarget;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * A record still UNKNOWN when Jenkins restarts (an abort whose reading of the ledger the restart cut short) is read
 * from the target's ledger again after the restart, keeping the reason it was given, even when nobody opens the build
 * and it is not the job's latest.
 */
class LedgerReconciliationRestartTest {
    private static final String JOB = "fix";
    private static final String REASON = "The build was aborted during the run. The outcome of the run is read from"
            + " the target's ledger (script_runner.runs).";

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void aRecordLeftUnknownIsSettledFromTheLedgerAfterARestart() throws Throwable {
        int[] number = new int[1];
        TestTarget[] database = new TestTarget[1];
        sessions.then(j -> number[0] = leaveUnknownBehindANewerBuild(j, database));
        sessions.then(j -> {
            ScriptRunProject job = j.jenkins.getItemByFullName(JOB, ScriptRunProject.class);
            // Read from disk, not through Jenkins, so that the test itself does not load the build.
            awaitOnDisk(new File(job.getBuildDir(), number[0] + "/build.xml"), "<status>COMMITTED</status>");

            ScriptRunBuild build = job.getBuildByNumber(number[0]);
            ScriptRunAction record = build.getAction(ScriptRunAction.class);
            assertEquals(ScriptRunStatus.COMMITTED, record.getStatus(), record.getMessage());
            assertTrue(record.getMessage().startsWith("Reconciled from the target's ledger: committed, 2 row(s)"),
                    record.getMessage());
            assertTrue(build.isKeepLog(), "a committed run is kept");
            assertTrue(record.getArtifacts().contains("prodscript/manifest.json"), record.getArtifacts().toString());
            assertEquals(0, database[0].upperCaseEmails());
        });
    }

    @Test
    void aRecordLeftUnknownKeepsItsReasonWhenTheLedgerCannotBeReadAfterARestart() throws Throwable {
        int[] number = new int[1];
        sessions.then(j -> {
            number[0] = leaveUnknownBehindANewerBuild(j, new TestTarget[1]);
            // The login is gone: the ledger cannot be read, and the record must say why without losing its reason.
            SystemCredentialsProvider.getInstance().getCredentials().clear();
            SystemCredentialsProvider.getInstance().save();
        });
        sessions.then(j -> {
            ScriptRunProject job = j.jenkins.getItemByFullName(JOB, ScriptRunProject.class);
            awaitOnDisk(new File(job.getBuildDir(), number[0] + "/build.xml"), "ledger failed (attempt 1)");

            ScriptRunAction record = job.getBuildByNumber(number[0]).getAction(ScriptRunAction.class);
            assertEquals(ScriptRunStatus.UNKNOWN, record.getStatus());
            assertEquals(REASON, record.getMessage(), "the reason stays");
            assertNotNull(record.getLedgerReading());
            assertTrue(record.getLedgerReading().contains("credential"), record.getLedgerReading());
        });
    }

    /**
     * A committed run whose record says UNKNOWN, as an abort during the run leaves it until the ledger is read, then a
     * newer build, so that the first is not the job's latest; returns the first build's number.
     */
    private static int leaveUnknownBehindANewerBuild(JenkinsRule j, TestTarget[] database) throws Exception {
        database[0] = TestTarget.create();
        configureTarget("staging-db", database[0], "staging");
        ScriptRunProject job = scriptJob(j, JOB, "staging-db");
        secure(j, job);
        ScriptRunBuild build = committedRun(j, job, "staging-db");
        build.getAction(ScriptRunAction.class).setStatus(ScriptRunStatus.UNKNOWN, REASON);
        build.keepLog(false);
        build.save();
        // The same script again: refused (it was applied), but it makes the first build an older one.
        j.waitForCompletion(job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, "staging-db", "rehearse"))
                .waitForStart());
        return build.getNumber();
    }

    private static void awaitOnDisk(File buildXml, String text) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (buildXml.isFile() && Files.readString(buildXml.toPath(), StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(buildXml + " never contained " + text + ":\n"
                + Files.readString(buildXml.toPath(), StandardCharsets.UTF_8));
    }
}
