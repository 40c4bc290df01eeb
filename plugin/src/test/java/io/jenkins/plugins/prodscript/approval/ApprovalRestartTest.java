package io.jenkins.plugins.prodscript.approval;

import static io.jenkins.plugins.prodscript.approval.ApprovalRequests.CHECKSUM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/** The approval record is part of the audit trail: it must read back from {@code build.xml} after a restart. */
class ApprovalRestartTest {
    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void decisionsAndOutcomeSurviveARestart() throws Throwable {
        sessions.then(j -> {
            FreeStyleProject project = ApprovalTestSupport.securedProject(j);
            FreeStyleBuild build = ApprovalTestSupport.startWaiting(j, project, 0);
            ApprovalTestSupport.post(j, "alice", build, "approve", "mine");
            ApprovalTestSupport.post(j, "bob", build, "approve", "checked the rows");
            ApprovalTestSupport.post(j, "carol", build, "approve", "");
            j.assertBuildStatus(Result.SUCCESS, j.waitForCompletion(build));
            // The test builder does not persist itself; leave a job that loads cleanly.
            project.getBuildersList().clear();
            String buildXml = Files.readString(build.getRootDir().toPath().resolve("build.xml"));
            assertTrue(buildXml.contains("checked the rows"), "decisions are saved with the build");
        });
        sessions.then(j -> {
            FreeStyleBuild build = j.jenkins.getItemByFullName(ApprovalTestSupport.JOB, FreeStyleProject.class)
                    .getBuildByNumber(1);
            ApprovalAction approval = ApprovalAction.of(build);
            assertNotNull(approval);
            assertEquals(ApprovalOutcome.State.APPROVED, approval.outcome().getState());
            assertEquals(3, approval.getDecisions().size());
            ApprovalRecord own = approval.getDecisions().get(0);
            assertEquals("alice", own.getUserId());
            assertEquals("alice cannot approve their own run", own.getNote());
            ApprovalRecord bob = approval.getDecisions().get(1);
            assertTrue(bob.isCounted());
            assertEquals("checked the rows", bob.getComment());
            assertEquals(CHECKSUM, bob.getChecksum());
            assertEquals(CHECKSUM, approval.getRequest().getChecksum());
        });
    }
}
