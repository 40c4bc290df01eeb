package io.jenkins.plugins.prodscript.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Item;
import hudson.model.Result;
import io.jenkins.plugins.prodscript.approval.ApprovalAction;
import io.jenkins.plugins.prodscript.approval.ApprovalRequest;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import java.io.IOException;
import java.util.List;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.TestBuilder;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The job page lists the approvals that wait, each with its own request and page, not the build's latest approval:
 * here a build asked for a staging approval, then for a production approval it withdrew, and waits on the first.
 */
@WithJenkins
class WaitingApprovalsTest {
    private static final String WAITING = "Waiting for the staging approval only";

    @Test
    void theWaitingApprovalIsListedNotTheBuildsLatest(JenkinsRule j) throws Exception {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        FreeStyleProject project = j.createFreeStyleProject("two-runs");
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ).everywhere().toAuthenticated());
        project.getBuildersList().add(new TwoApprovalsFirstWaits());
        FreeStyleBuild build = j.waitForMessage(WAITING, project.scheduleBuild2(0).waitForStart());

        List<ApprovalAction> waiting = new ScriptRunHistoryAction(project).getWaitingApprovals();

        assertEquals(List.of("run-staging"), waiting.stream().map(a -> a.getRequest().getRunId()).toList());
        assertEquals("approval", waiting.get(0).getUrlName(), "the build's first approval, not its latest");
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("auditor");
            String page = wc.getPage(project).getWebResponse().getContentAsString();
            assertTrue(page.contains(build.getUrl() + "approval/\""), page);
            assertTrue(page.contains("fixes/staging.sql"), page);
            assertFalse(page.contains("fixes/production.sql"), "the withdrawn approval is not listed: " + page);
        }

        build.getExecutor().interrupt();
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(build));
        assertEquals(List.of(), new ScriptRunHistoryAction(project).getWaitingApprovals(), "nothing waits any more");
    }

    /** Two runs in one build, as a Pipeline making a staging run, then a production run, would record them. */
    static final class TwoApprovalsFirstWaits extends TestBuilder {
        @Override
        public boolean perform(AbstractBuild<?, ?> build, Launcher launcher, BuildListener listener)
                throws InterruptedException, IOException {
            ApprovalAction staging = open(build, listener, "run-staging", "fixes/staging.sql", "staging-db");
            ApprovalAction production = open(build, listener, "run-production", "fixes/production.sql", "prod-main");
            production.cancelWaiting("withdrawn by the test");
            listener.getLogger().println(WAITING);
            return staging.await(listener).isApproved();
        }

        private static ApprovalAction open(AbstractBuild<?, ?> build, BuildListener listener, String runId,
                                           String script, String target) throws IOException {
            ScriptRunAction record = new ScriptRunAction(runId, "rehearsal-" + runId, script, target, "production",
                    "jdbc:postgresql://db.example/app", "run", null, "alice", "c0ffee");
            build.addAction(record);
            record.setStatus(ScriptRunStatus.WAITING_FOR_APPROVAL, null);
            ApprovalRequest request = new ApprovalRequest(runId, script, "ab".repeat(32), "c0ffee", target, "production",
                    "run", "cd".repeat(32), "alice", List.of("#1 (line 1) UPDATE public.accounts: 1 row(s)"), 1,
                    List.of(), List.of(), 0);
            return ApprovalAction.open(build, request, listener);
        }
    }
}
