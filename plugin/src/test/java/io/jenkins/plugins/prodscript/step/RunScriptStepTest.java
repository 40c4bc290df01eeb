package io.jenkins.plugins.prodscript.step;

import static io.jenkins.plugins.prodscript.testing.Fixtures.configureTarget;
import static io.jenkins.plugins.prodscript.testing.Fixtures.filesContaining;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.FilePath;
import hudson.model.CauseAction;
import hudson.model.Result;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.testing.Fixtures;
import io.jenkins.plugins.prodscript.testing.TestTarget;
import java.io.File;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class RunScriptStepTest {
    private static final String WRITE_SCRIPT = "writeFile file: 'scripts/fix.sql', text: '''-- @expect-rows 1: 2\n"
            + "UPDATE accounts SET email = lower(email) WHERE email <> lower(email);\n'''\n";

    @Test
    void rehearsesInTheWorkspaceAndReturnsTheSummary(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging");
        WorkflowJob job = j.createProject(WorkflowJob.class, "pipeline");
        job.setDefinition(new CpsFlowDefinition("node {\n" + WRITE_SCRIPT
                + "  def r = runScript script: 'scripts/fix.sql', target: 'staging-db'\n"
                + "  echo \"status=${r.status} rows=${r.rowsChanged} wouldChange=${r.rowsWouldChange}"
                + " rehearsed=${r.rehearsalStatements.size()} checksum=${r.checksum}\"\n"
                + "}", true));

        WorkflowRun build = j.assertBuildStatusSuccess(job.scheduleBuild2(0));

        ScriptRunAction record = build.getAction(ScriptRunAction.class);
        assertEquals(ScriptRunStatus.REHEARSED, record.getStatus());
        j.assertLogContains("status=REHEARSED rows=0 wouldChange=2 rehearsed=1 checksum=" + record.getChecksum(), build);
        assertEquals(2, database.upperCaseEmails());
        assertEquals(List.of(), filesContaining(build, TestTarget.PASSWORD));
    }

    @Test
    void refusalFailsTheBuildWithTheEnginesReason(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging");
        WorkflowJob job = j.createProject(WorkflowJob.class, "escaping");
        job.setDefinition(new CpsFlowDefinition(
                "node { runScript script: '../outside.sql', target: 'staging-db' }", true));

        WorkflowRun build = j.assertBuildStatus(Result.FAILURE, job.scheduleBuild2(0));

        j.assertLogContains("leaves the checkout", build);
        assertEquals(2, database.upperCaseEmails());
    }

    @Test
    void unknownTargetIsRefusedBeforeAnythingRuns(JenkinsRule j) throws Exception {
        configureTarget("staging-db", TestTarget.create(), "staging");
        WorkflowJob job = j.createProject(WorkflowJob.class, "unknown-target");
        job.setDefinition(new CpsFlowDefinition("node {\n" + WRITE_SCRIPT
                + "  runScript script: 'scripts/fix.sql', target: 'nowhere'\n}", true));

        WorkflowRun build = j.assertBuildStatus(Result.FAILURE, job.scheduleBuild2(0));

        j.assertLogContains("Unknown target 'nowhere'.", build);
        j.assertLogNotContains("staging-db", build);
    }

    @Test
    void theCommitRecordedIsTheOneOfTheCheckoutHoldingTheScript(JenkinsRule j) throws Exception {
        configureTarget("staging-db", TestTarget.create(), "staging");
        WorkflowJob job = j.createProject(WorkflowJob.class, "two-checkouts");
        // Two repositories in one workspace, the script's checked out first: the build's last checkout is not it.
        job.setDefinition(new CpsFlowDefinition("node {\n"
                + "  writeFile file: 'app/scripts/fix.sql', text: '''-- @expect-rows 1: 2\n"
                + "UPDATE accounts SET email = lower(email) WHERE email <> lower(email);\n'''\n"
                + "  sh '''git init -q app && git -C app add scripts/fix.sql\n"
                + "    git -C app -c user.email=t@example.com -c user.name=t commit -q -m app\n"
                + "    git init -q lib && git -C lib -c user.email=t@example.com -c user.name=t commit -q --allow-empty -m lib\n"
                + "    echo \"app=$(git -C app rev-parse HEAD) lib=$(git -C lib rev-parse HEAD)\"'''\n"
                + "  runScript script: 'app/scripts/fix.sql', target: 'staging-db'\n"
                + "}", true));

        WorkflowRun build = j.assertBuildStatusSuccess(job.scheduleBuild2(0));

        String commit = build.getAction(ScriptRunAction.class).getCommit();
        j.assertLogContains("app=" + commit + " lib=", build);
    }

    @Test
    void noPasswordInProgramDataOrTheStagingFolderWhileWaitingOrAfter(JenkinsRule j) throws Exception {
        WorkflowRun build = waitingRun(j, TestTarget.create(), "waits");
        FilePath workspace = j.jenkins.getWorkspaceFor(build.getParent());
        assertTrue(new File(build.getRootDir(), "program.dat").isFile(), "the waiting Pipeline's state is on disk");
        assertTrue(workspace.sibling(workspace.getName() + "@tmp").exists(), "the run's files are staged");
        assertEquals(List.of(), filesContaining(build, workspace, TestTarget.PASSWORD), "while waiting");

        assertEquals(200, Fixtures.approve(j, "bob", build));
        j.assertBuildStatusSuccess(j.waitForCompletion(build));
        assertEquals(List.of(), filesContaining(build, workspace, TestTarget.PASSWORD), "after the run");
    }

    @Test
    void preparedThenApprovedOutsideNodeThenRunHoldsNoExecutorWhileWaiting(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        WorkflowJob job = splitPipeline(j, database, "split");

        WorkflowRun build = j.waitForMessage("prepared=WAITING_FOR_APPROVAL",
                job.scheduleBuild2(0, new CauseAction(Fixtures.requestedBy("alice"))).waitForStart());
        for (int i = 0; i < 100 && j.jenkins.toComputer().countBusy() > 0; i++) {
            Thread.sleep(100);
        }
        assertEquals(0, j.jenkins.toComputer().countBusy(), "no executor is held while approvers decide");
        assertTrue(build.isBuilding());
        assertEquals(2, database.upperCaseEmails(), "nothing ran before approval");

        assertEquals(200, Fixtures.approve(j, "bob", build));
        j.assertBuildStatusSuccess(j.waitForCompletion(build));
        j.assertLogContains("approval=APPROVED", build);
        j.assertLogContains("done=COMMITTED rows=2", build);
        assertEquals(0, database.upperCaseEmails());
    }

    @Test
    void aRejectedPreparedRunEndsTheBuildWithoutRunning(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        WorkflowJob job = splitPipeline(j, database, "split-rejected");

        WorkflowRun build = j.waitForMessage("prepared=WAITING_FOR_APPROVAL",
                job.scheduleBuild2(0, new CauseAction(Fixtures.requestedBy("alice"))).waitForStart());
        assertEquals(200, Fixtures.reject(j, "bob", build));

        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(build));
        assertEquals(ScriptRunStatus.REJECTED, build.getAction(ScriptRunAction.class).getStatus());
        assertEquals(2, database.upperCaseEmails());
    }

    @Test
    void twoRunsInOnePipelineKeepTheirOwnRecordsAndArtifacts(JenkinsRule j) throws Exception {
        TestTarget staging = TestTarget.create();
        TestTarget second = TestTarget.create();
        configureTarget("staging-db", staging, "staging");
        configureTarget("staging-2", second, "staging");
        WorkflowJob job = j.createProject(WorkflowJob.class, "two-runs");
        job.setDefinition(new CpsFlowDefinition("node {\n" + WRITE_SCRIPT
                + "  def first = runScript script: 'scripts/fix.sql', target: 'staging-db'\n"
                + "  def other = runScript script: 'scripts/fix.sql', target: 'staging-2', mode: 'run'\n"
                + "  echo \"first=${first.status} then=${other.status} ${first.runId != other.runId}\"\n"
                + "}", true));
        Fixtures.secure(j, job);

        WorkflowRun build = j.waitForMessage("Approve or reject",
                job.scheduleBuild2(0, new CauseAction(Fixtures.requestedBy("alice"))).waitForStart());
        assertEquals(200, Fixtures.approve(j, "bob", build));
        j.assertBuildStatusSuccess(j.waitForCompletion(build));

        j.assertLogContains("first=REHEARSED then=COMMITTED true", build);
        List<ScriptRunAction> runs = build.getActions(ScriptRunAction.class);
        assertEquals(2, runs.size());
        assertEquals("prodscript/", runs.get(0).getArtifactFolder());
        assertEquals("prodscript/2/", runs.get(1).getArtifactFolder());
        assertTrue(runs.get(0).getArtifacts().contains("prodscript/rehearsal.json"), runs.get(0).getArtifacts().toString());
        assertTrue(runs.get(1).getArtifacts().contains("prodscript/2/run.json"), runs.get(1).getArtifacts().toString());
        assertEquals(ScriptRunStatus.COMMITTED, ScriptRunAction.of(build).getStatus(), "the latest run is the build's");
        assertEquals(2, staging.upperCaseEmails(), "the first only rehearsed");
        assertEquals(0, second.upperCaseEmails());
    }

    @Test
    void stoppingThePipelineWhileTheRunWaitsOnALockEndsItOnlyAfterTheRollback(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        WorkflowRun build = waitingRun(j, database, "stopped");
        Fixtures.abortOnceTheRunWaitsForALock(j, build, database);
    }

    /**
     * A value written in double quotes (a common slip) is taken by PostgreSQL for a column, and its error names it:
     * when that value is the target's password, the server echoes the password. The log masks it, the agent's lines
     * and the step's failure message alike.
     */
    @Test
    void aServerMessageEchoingThePasswordIsMaskedInThePipelineLog(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging");
        WorkflowJob job = j.createProject(WorkflowJob.class, "echoes");
        job.setDefinition(new CpsFlowDefinition("node {\n"
                + "  writeFile file: 'scripts/fix.sql', text: '''-- @expect-rows 1: 1\n"
                + "UPDATE accounts SET email = lower(email) WHERE email = \"" + TestTarget.PASSWORD + "\";\n'''\n"
                + "  runScript script: 'scripts/fix.sql', target: 'staging-db'\n}", true));

        WorkflowRun build = j.assertBuildStatus(Result.FAILURE, job.scheduleBuild2(0));

        j.assertLogContains("does not exist", build);
        j.assertLogContains("column \"****\"", build);
        j.assertLogNotContains(TestTarget.PASSWORD, build);
    }

    /** A run of the fix on staging-db by one {@code runScript}, requested by alice, once it waits for approval. */
    private static WorkflowRun waitingRun(JenkinsRule j, TestTarget database, String name) throws Exception {
        configureTarget("staging-db", database, "staging");
        WorkflowJob job = j.createProject(WorkflowJob.class, name);
        job.setDefinition(new CpsFlowDefinition("node {\n" + WRITE_SCRIPT
                + "  runScript script: 'scripts/fix.sql', target: 'staging-db', mode: 'run'\n}", true));
        Fixtures.secure(j, job);
        return j.waitForMessage("Approve or reject",
                job.scheduleBuild2(0, new CauseAction(Fixtures.requestedBy("alice"))).waitForStart());
    }

    /** Prepares in one node, waits outside any node, runs in another node; alice requests, bob approves. */
    private static WorkflowJob splitPipeline(JenkinsRule j, TestTarget database, String name) throws Exception {
        configureTarget("staging-db", database, "staging");
        WorkflowJob job = j.createProject(WorkflowJob.class, name);
        job.setDefinition(new CpsFlowDefinition("def r\n"
                + "node {\n" + WRITE_SCRIPT
                + "  r = runScript script: 'scripts/fix.sql', target: 'staging-db', mode: 'run', waitForApproval: false\n"
                + "  echo \"prepared=${r.status}\"\n"
                + "}\n"
                + "def approval = waitForScriptApproval(runId: r.runId)\n"
                + "echo \"approval=${approval}\"\n"
                + "node {\n" + WRITE_SCRIPT
                + "  def done = runApprovedScript runId: r.runId\n"
                + "  echo \"done=${done.status} rows=${done.rowsChanged}\"\n"
                + "}", true));
        Fixtures.secure(j, job);
        return job;
    }
}
