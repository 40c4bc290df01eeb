package io.jenkins.plugins.prodscript.job;

import static io.jenkins.plugins.prodscript.testing.Fixtures.SCRIPT;
import static io.jenkins.plugins.prodscript.testing.Fixtures.approve;
import static io.jenkins.plugins.prodscript.testing.Fixtures.configureTarget;
import static io.jenkins.plugins.prodscript.testing.Fixtures.parameters;
import static io.jenkins.plugins.prodscript.testing.Fixtures.requestedBy;
import static io.jenkins.plugins.prodscript.testing.Fixtures.scriptJob;
import static io.jenkins.plugins.prodscript.testing.Fixtures.secure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Computer;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import io.jenkins.plugins.prodscript.testing.TestTarget;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The job type holds none of its agent's executors while approvers decide, and needs a label for production. */
@WithJenkins
class FlyweightJobTest {
    private static final String LABEL = "db-runners";

    @Test
    void aRunWaitingForApprovalLeavesItsAgentsOnlyExecutorFreeForOtherBuilds(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("prod-main", database, "production").setAllowedAgentLabels(LABEL);
        DumbSlave agent = j.createOnlineSlave(Label.get(LABEL));
        Computer computer = agent.toComputer();
        assertEquals(1, computer.countExecutors(), "the agent has one executor");
        ScriptRunProject job = scriptJob(j, "fix", "prod-main");
        job.setAssignedLabel(Label.get(LABEL));
        secure(j, job);

        ScriptRunBuild build = j.waitForMessage("Approve or reject",
                job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, "prod-main", "run")).waitForStart());
        assertEquals(agent.getNodeName(), build.getBuiltOnStr(), "the build checked out and rehearsed on the agent");
        assertEquals(ScriptRunStatus.WAITING_FOR_APPROVAL, build.getAction(ScriptRunAction.class).getStatus());
        assertEquals(0, computer.countBusy(), "no numbered executor of the agent is held while approvers decide");
        assertEquals(1, computer.countIdle());

        FreeStyleProject other = j.createFreeStyleProject("unrelated");
        other.setAssignedLabel(agent.getSelfLabel());
        FreeStyleBuild otherBuild = j.buildAndAssertSuccess(other);
        assertEquals(agent.getNodeName(), otherBuild.getBuiltOnStr(), "another build ran on the agent meanwhile");
        assertTrue(build.isBuilding(), "while the run still waits");
        assertEquals(2, database.upperCaseEmails(), "nothing ran before approval");

        assertEquals(200, approve(j, "bob", build));
        assertEquals(200, approve(j, "carol", build));
        j.assertBuildStatusSuccess(j.waitForCompletion(build));
        assertEquals(ScriptRunStatus.COMMITTED, build.getAction(ScriptRunAction.class).getStatus());
        assertEquals(0, database.upperCaseEmails());
    }

    @Test
    void withoutALabelAProductionTargetRefusesToRunOnTheController(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("prod-main", database, "production").setAllowedAgentLabels("");
        ScriptRunProject job = scriptJob(j, "fix", "prod-main");
        secure(j, job);

        ScriptRunBuild refused = j.assertBuildStatus(Result.FAILURE,
                job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, "prod-main", "run")));
        j.assertLogContains("this job has no label", refused);
        assertNull(refused.getAction(ScriptRunAction.class), "nothing was started");
        assertFalse(database.touched(), "the database was not touched");

        // An administrator who admits the controller explicitly gets what they asked for.
        ProductionScriptTargets.get().named("prod-main").orElseThrow().setAllowedAgentLabels("built-in");
        j.assertBuildStatusSuccess(job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, "prod-main", "rehearse")));
    }
}
