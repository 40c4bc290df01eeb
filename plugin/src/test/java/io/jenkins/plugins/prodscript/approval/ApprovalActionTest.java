package io.jenkins.plugins.prodscript.approval;

import static io.jenkins.plugins.prodscript.approval.ApprovalRequests.CHECKSUM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import hudson.model.Run;
import hudson.security.Permission;
import hudson.security.PermissionScope;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.htmlunit.util.NameValuePair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Approvals through the web, on the trivial waiting job of {@link ApprovalTestSupport}: alice requests every run; bob
 * and carol may approve; dave may build but not approve.
 */
@WithJenkins
class ApprovalActionTest {
    private JenkinsRule j;
    private FreeStyleProject project;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        project = ApprovalTestSupport.securedProject(j);
    }

    private FreeStyleBuild startWaiting(long maxWaitMillis) throws Exception {
        return ApprovalTestSupport.startWaiting(j, project, maxWaitMillis);
    }

    private int post(String user, Run<?, ?> build, String endpoint, String comment) throws Exception {
        return ApprovalTestSupport.post(j, user, build, endpoint, comment);
    }

    @Test
    void twoApprovalsLetTheBuildProceed() throws Exception {
        FreeStyleBuild build = startWaiting(0);

        assertEquals(200, post("bob", build, "approve", "row counts match the ticket"));
        assertEquals(200, post("carol", build, "approve", ""));

        j.assertBuildStatus(Result.SUCCESS, j.waitForCompletion(build));
        j.assertLogContains("bob [bob] approved checksum " + CHECKSUM + " (\"row counts match the ticket\")", build);
        j.assertLogContains("Approval outcome: approved: 2 of 2 approvals (bob, carol)", build);
        j.assertLogContains("Running the script now", build);
        ApprovalAction approval = ApprovalAction.of(build);
        assertNotNull(approval);
        assertEquals(2, approval.getDecisions().size());
        for (ApprovalRecord decision : approval.getDecisions()) {
            assertTrue(decision.isCounted());
            assertEquals(CHECKSUM, decision.getChecksum(), "each decision keeps the checksum it approved");
        }
    }

    @Test
    void theRequesterCannotApproveTheirOwnRun() throws Exception {
        FreeStyleBuild build = startWaiting(0);

        assertEquals(403, post("alice", build, "approve", "mine"));

        ApprovalAction approval = ApprovalAction.of(build);
        ApprovalRecord attempt = approval.getDecisions().get(0);
        assertFalse(attempt.isCounted(), "kept for auditors, not counted");
        assertEquals("alice cannot approve their own run", attempt.getNote());
        assertEquals(ApprovalOutcome.State.WAITING, approval.outcome().getState());
        j.assertLogContains("does not count: alice cannot approve their own run", build);
        stop(build);
    }

    @Test
    void aUserWithoutTheApprovePermissionIsRefused() throws Exception {
        FreeStyleBuild build = startWaiting(0);

        assertEquals(403, post("dave", build, "approve", ""), "Job/Build does not imply approving");

        assertTrue(ApprovalAction.of(build).getDecisions().isEmpty());
        stop(build);
    }

    @Test
    void aPostWithoutCrumbIsRefused() throws Exception {
        FreeStyleBuild build = startWaiting(0);

        try (JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)) {
            wc.login("bob");
            WebRequest request = new WebRequest(url(wc, build, "approve"), HttpMethod.POST);
            assertEquals(403, wc.getPage(request).getWebResponse().getStatusCode());
        }

        assertTrue(ApprovalAction.of(build).getDecisions().isEmpty());
        stop(build);
    }

    @Test
    void anApiTokenApprovesWithoutCrumb() throws Exception {
        FreeStyleBuild build = startWaiting(0);

        for (String approver : List.of("bob", "carol")) {
            try (JenkinsRule.WebClient wc = j.createWebClient().withBasicApiToken(approver)) {
                WebRequest request = new WebRequest(url(wc, build, "approve"), HttpMethod.POST);
                request.setRequestParameters(List.of(new NameValuePair("comment", "via REST"),
                        new NameValuePair("digest", ApprovalAction.of(build).getRequestDigest())));
                Page page = wc.getPage(request);
                assertEquals(200, page.getWebResponse().getStatusCode());
            }
        }

        j.assertBuildStatus(Result.SUCCESS, j.waitForCompletion(build));
    }

    @Test
    void aRejectionEndsTheBuildWithNothingChanged() throws Exception {
        FreeStyleBuild build = startWaiting(0);

        assertEquals(200, post("bob", build, "approve", ""));
        assertEquals(200, post("carol", build, "reject", "wrong table"));

        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(build));
        j.assertLogContains("Approval outcome: rejected by carol: wrong table", build);
        j.assertLogContains("Not approved; nothing was changed", build);
        j.assertLogNotContains("Running the script now", build);
        assertEquals(ApprovalOutcome.State.REJECTED, ApprovalAction.of(build).outcome().getState());
    }

    @Test
    void theWaitExpiresWhenNobodyDecides() throws Exception {
        FreeStyleBuild build = startWaiting(3_000);

        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(build));
        j.assertLogContains("Approval outcome: expired after 3s with 0 of 2 approvals", build);
        j.assertLogContains("Not approved; nothing was changed", build);
        assertEquals(ApprovalOutcome.State.EXPIRED, ApprovalAction.of(build).outcome().getState());
    }

    @Test
    void decisionsAreRefusedOnceTheBuildNoLongerWaits() throws Exception {
        FreeStyleBuild build = startWaiting(0);
        post("bob", build, "reject", "not today");
        j.waitForCompletion(build);

        assertEquals(409, post("carol", build, "approve", ""));
        assertEquals(1, ApprovalAction.of(build).getDecisions().size());
    }

    @Test
    void theBuildPageOffersOneCommentAndBothButtonsToThoseWhoMayDecide() throws Exception {
        FreeStyleBuild build = startWaiting(0);
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("bob");
            String page = wc.getPage(build, "").getWebResponse().getContentAsString();
            assertTrue(page.contains("Waiting for 2 approvals (0 so far)"), "the status in words");
            assertFalse(page.contains("WAITING"), "no enum names on the page");
            assertTrue(page.contains("approval/decide"), "the decision form is on the build page");
            assertTrue(page.contains("name=\"approve\"") && page.contains("name=\"reject\""), "both buttons");
        }
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("dave");
            assertFalse(wc.getPage(build, "").getWebResponse().getContentAsString().contains("approval/decide"),
                    "no form for someone who may not decide");
        }

        assertEquals(400, decide("bob", build, null), "a decision needs a button");
        assertEquals(200, decide("bob", build, "approve"));
        assertEquals(200, decide("carol", build, "approve"));
        j.assertBuildStatus(Result.SUCCESS, j.waitForCompletion(build));
        assertEquals(2, ApprovalAction.of(build).outcome().getCountedApprovals());
        assertEquals("Approved (2 of 2)", ApprovalAction.of(build).outcome().getSummary());
    }

    @Test
    void rejectingFromTheBuildPageEndsTheBuild() throws Exception {
        FreeStyleBuild build = startWaiting(0);
        assertEquals(200, decide("bob", build, "reject"));
        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(build));
        assertEquals(ApprovalOutcome.State.REJECTED, ApprovalAction.of(build).outcome().getState());
    }

    /** What the build page's form sends: a comment and the pressed button's name. */
    private int decide(String user, Run<?, ?> build, String button) throws Exception {
        try (JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)) {
            wc.login(user);
            WebRequest request = new WebRequest(wc.createCrumbedUrl(build.getUrl() + "approval/decide"), HttpMethod.POST);
            List<NameValuePair> parameters = new java.util.ArrayList<>(List.of(new NameValuePair("comment", "from the build page"),
                    new NameValuePair("digest", ApprovalAction.of(build).getRequestDigest())));
            if (button != null) {
                parameters.add(new NameValuePair(button, button));
            }
            request.setRequestParameters(parameters);
            return wc.getPage(request).getWebResponse().getStatusCode();
        }
    }

    @Test
    void aDecisionWithoutTheDigestOfTheRequestIsRefusedAndOneOnAnotherRequestIsStale() throws Exception {
        FreeStyleBuild build = startWaiting(0);

        assertEquals(400, postWithDigest("bob", build, null), "the form always sends what the approver read");
        assertTrue(ApprovalAction.of(build).getDecisions().isEmpty(), "nothing recorded");
        assertEquals(409, postWithDigest("bob", build, "ef".repeat(32)), "decided on another request");
        ApprovalRecord stale = ApprovalAction.of(build).getDecisions().get(0);
        assertFalse(stale.isCounted());
        assertEquals(200, post("bob", build, "approve", "read the current request"));
        assertEquals(200, post("carol", build, "approve", ""));

        j.assertBuildStatus(Result.SUCCESS, j.waitForCompletion(build));
        assertEquals(2, ApprovalAction.of(build).outcome().getCountedApprovals(), "the stale approval never counted");
    }

    @Test
    void readingThePagesAndTheRemoteApiChangesNothing() throws Exception {
        FreeStyleBuild waiting = startWaiting(0);
        byte[] before = java.nio.file.Files.readAllBytes(waiting.getRootDir().toPath().resolve("build.xml"));
        readEverything(waiting);
        assertEquals(new String(before, java.nio.charset.StandardCharsets.UTF_8),
                java.nio.file.Files.readString(waiting.getRootDir().toPath().resolve("build.xml")), "waiting: unchanged");
        assertEquals(ApprovalOutcome.State.WAITING, ApprovalAction.of(waiting).outcome().getState());
        stop(waiting);

        // A finished build whose approval was never settled (as after Jenkins died while it waited): reading it shows
        // the outcome as it stood when the build ended, and does not settle or save it.
        project.getBuildersList().clear();
        FreeStyleBuild ended = j.buildAndAssertSuccess(project);
        ApprovalAction.open(ended, ApprovalRequests.request(List.of(), 0), hudson.model.TaskListener.NULL);
        java.nio.file.Path buildXml = ended.getRootDir().toPath().resolve("build.xml");
        String saved = java.nio.file.Files.readString(buildXml);
        readEverything(ended);
        assertEquals(saved, java.nio.file.Files.readString(buildXml), "ended: unchanged");
        assertEquals(ApprovalOutcome.State.CANCELLED, ApprovalAction.of(ended).outcome().getState());
    }

    private void readEverything(Run<?, ?> build) throws Exception {
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("bob");
            wc.getPage(build, "");
            wc.getPage(build, "approval/");
            wc.goTo(build.getUrl() + "api/json?depth=3", "application/json");
            wc.goTo(build.getUrl() + "api/xml?depth=3", "application/xml");
        }
    }

    private int postWithDigest(String user, Run<?, ?> build, String digest) throws Exception {
        try (JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)) {
            wc.login(user);
            WebRequest request = new WebRequest(wc.createCrumbedUrl(build.getUrl() + "approval/approve"), HttpMethod.POST);
            List<NameValuePair> parameters = new java.util.ArrayList<>(List.of(new NameValuePair("comment", "")));
            if (digest != null) {
                parameters.add(new NameValuePair("digest", digest));
            }
            request.setRequestParameters(parameters);
            return wc.getPage(request).getWebResponse().getStatusCode();
        }
    }

    @Test
    void anAbortedBuildsApprovalShowsAFinalState() throws Exception {
        FreeStyleBuild build = startWaiting(0);
        assertEquals(200, post("bob", build, "approve", "one of two"));
        stop(build);

        ApprovalAction approval = ApprovalAction.of(build);
        assertEquals(ApprovalOutcome.State.CANCELLED, approval.outcome().getState());
        assertEquals(1, approval.outcome().getCountedApprovals());
        assertFalse(approval.isWaiting());
        assertEquals(409, post("carol", build, "approve", "too late"), "nobody decides for a stopped build");
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("alice");
            String json = wc.goTo(build.getUrl() + "api/json?tree=actions[outcome[state]]", "application/json")
                    .getWebResponse().getContentAsString();
            assertTrue(json.contains("\"state\":\"CANCELLED\""), json);
            assertFalse(json.contains("WAITING"), json);
        }
        assertTrue(java.nio.file.Files.readString(build.getRootDir().toPath().resolve("build.xml")).contains("CANCELLED"),
                "the final state is saved with the build");
    }

    @Test
    void auditorsSeeTheDecisionsInTheRemoteApi() throws Exception {
        FreeStyleBuild build = startWaiting(0);
        post("bob", build, "approve", "ok");
        post("carol", build, "approve", "ok too");
        j.waitForCompletion(build);

        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("alice");
            String json = wc.goTo(build.getUrl() + "api/json?tree=actions[decisions[userId,decision,decidedAt,comment,"
                    + "checksum,counted],outcome[state]]", "application/json").getWebResponse().getContentAsString();
            assertTrue(json.contains("\"userId\":\"carol\""), json);
            assertTrue(json.contains("\"comment\":\"ok too\""), json);
            assertTrue(json.contains("\"checksum\":\"" + CHECKSUM + "\""), json);
            assertTrue(json.contains("\"state\":\"APPROVED\""), json);
            String page = wc.getPage(build, "approval/").getWebResponse().getContentAsString();
            assertTrue(page.contains("ok too"), "the approval page lists the decisions");
        }
    }

    @Test
    void theApprovePermissionHasItsOwnGroupAndItemScope() {
        assertSame(ProductionScriptPermissions.APPROVE,
                Permission.fromId("io.jenkins.plugins.prodscript.approval.ProductionScriptPermissions.Approve"));
        assertSame(ProductionScriptPermissions.GROUP, ProductionScriptPermissions.APPROVE.group);
        assertTrue(ProductionScriptPermissions.APPROVE.isContainedBy(PermissionScope.ITEM));
        assertSame(Jenkins.ADMINISTER, ProductionScriptPermissions.APPROVE.impliedBy);
    }

    private static URL url(JenkinsRule.WebClient wc, Run<?, ?> build, String endpoint) throws IOException {
        return URI.create(wc.getContextPath() + build.getUrl() + "approval/" + endpoint).toURL();
    }

    /** Ends a build left waiting, as the abort button would. */
    private void stop(FreeStyleBuild build) throws Exception {
        build.getExecutor().interrupt();
        j.waitForCompletion(build);
    }
}
