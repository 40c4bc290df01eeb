package io.jenkins.plugins.prodscript.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.Item;
import hudson.model.Result;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import io.jenkins.plugins.prodscript.target.TargetDatabase;
import io.jenkins.plugins.prodscript.testing.Fixtures;
import io.jenkins.plugins.prodscript.testing.TestTarget;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * A Pipeline {@code runScript} waiting for approvals holds no thread and keeps its approval in the build, so Jenkins
 * can restart in the middle: after the restart the approvals are given and the run commits.
 */
class RunScriptApprovalRestartTest {
    private static final String JOB = "fix-accounts";
    private static final String SCRIPT = """
            -- @description Lower-case the emails of the first two test accounts.
            -- @ticket OPS-1
            -- @expect-rows 1: 2
            UPDATE accounts SET email = lower(email) WHERE id <= 2;
            """;

    /** Outside the Jenkins sessions, so the target database survives the restart as a real one would. */
    private static TestTarget database;

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @BeforeAll
    static void createDatabase() {
        database = TestTarget.create();
    }

    @Test
    void aPipelineWaitingForApprovalSurvivesARestart() throws Throwable {
        sessions.then(j -> {
            secure(j);
            Fixtures.addLogin();
            TargetDatabase target = new TargetDatabase("prod-main", database.url(), Fixtures.CREDENTIALS_ID);
            target.setAllowPipelines(true);
            ProductionScriptTargets.get().setTargets(List.of(target));
            WorkflowJob job = j.createProject(WorkflowJob.class, JOB);
            job.setDefinition(new CpsFlowDefinition("node {\n"
                    + "  writeFile file: 'fixes/zero.sql', text: '''" + SCRIPT + "'''\n"
                    + "  runScript script: 'fixes/zero.sql', target: 'prod-main', mode: 'run'\n"
                    + "}", true));
            WorkflowRun build = job.scheduleBuild2(0, new CauseAction(new Cause.UserIdCause("alice"))).waitForStart();
            j.waitForMessage("Approve or reject", build);
            assertEquals(ApprovalOutcome.State.WAITING, ApprovalAction.of(build).outcome().getState());
        });
        sessions.then(j -> {
            secure(j);
            WorkflowRun build = j.jenkins.getItemByFullName(JOB, WorkflowJob.class).getBuildByNumber(1);
            j.waitForMessage("Still waiting for approval", build);

            assertEquals(403, ApprovalTestSupport.post(j, "alice", build, "approve", "mine"));
            assertEquals(200, ApprovalTestSupport.post(j, "bob", build, "approve", "two rows, as in OPS-1"));
            assertEquals(200, ApprovalTestSupport.post(j, "carol", build, "approve", ""));

            j.assertBuildStatus(Result.SUCCESS, j.waitForCompletion(build));
            j.assertLogContains("Approval outcome: approved: 2 of 2 approvals (bob, carol)", build);
            assertEquals(0, database.upperCaseEmails());
        });
    }

    /** alice requests; bob and carol approve. Set again after the restart rather than relying on test classes' persistence. */
    private static void secure(JenkinsRule j) {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ).everywhere().toAuthenticated()
                .grant(ProductionScriptPermissions.APPROVE).everywhere().to("alice", "bob", "carol")
                .grant(ProductionScriptPermissions.REHEARSE_ON_PRODUCTION).everywhere().to("alice"));
    }
}
