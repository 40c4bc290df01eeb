package io.jenkins.plugins.prodscript.approval;

import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Item;
import hudson.model.Run;
import java.io.IOException;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.util.NameValuePair;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.TestBuilder;

/**
 * What approval tests share: a trivial job whose build only opens an approval and waits for it (no database), the
 * people involved, and posting a decision the way the page's form does.
 *
 * <p>alice requests every run; bob and carol may approve; dave may build but not approve.
 */
final class ApprovalTestSupport {
    static final String JOB = "fix-accounts";

    private ApprovalTestSupport() {
    }

    static FreeStyleProject securedProject(JenkinsRule j) throws IOException {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        FreeStyleProject project = j.createFreeStyleProject(JOB);
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ).everywhere().toAuthenticated()
                .grant(Item.BUILD).onItems(project).to("alice", "dave")
                .grant(ProductionScriptPermissions.APPROVE).onItems(project).to("alice", "bob", "carol"));
        return project;
    }

    /** Starts a build that waits for approval, and returns once it does. */
    static FreeStyleBuild startWaiting(JenkinsRule j, FreeStyleProject project, long maxWaitMillis) throws Exception {
        project.getBuildersList().replaceBy(List.of(new AwaitApproval(maxWaitMillis)));
        FreeStyleBuild build = project.scheduleBuild2(0).waitForStart();
        return j.waitForMessage("Approve or reject", build);
    }

    /** POSTs a decision as {@code user}, signed in with a crumb as the page's form does; returns the final status. */
    static int post(JenkinsRule j, String user, Run<?, ?> build, String endpoint, String comment) throws Exception {
        try (JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)) {
            wc.login(user);
            WebRequest request = new WebRequest(wc.createCrumbedUrl(build.getUrl() + "approval/" + endpoint),
                    HttpMethod.POST);
            request.setRequestParameters(List.of(new NameValuePair("comment", comment),
                    new NameValuePair("digest", ApprovalAction.of(build).getRequestDigest())));
            return wc.getPage(request).getWebResponse().getStatusCode();
        }
    }

    /** The whole build: ask for approval, wait, and succeed only when approved. */
    static final class AwaitApproval extends TestBuilder {
        private final long maxWaitMillis;

        AwaitApproval(long maxWaitMillis) {
            this.maxWaitMillis = maxWaitMillis;
        }

        @Override
        public boolean perform(AbstractBuild<?, ?> build, Launcher launcher, BuildListener listener)
                throws InterruptedException, IOException {
            ApprovalAction approval = ApprovalAction.open(build, ApprovalRequests.request(List.of(), maxWaitMillis), listener);
            ApprovalOutcome outcome;
            try {
                outcome = approval.await(listener);
            } catch (InterruptedException e) {
                approval.cancelWaiting("the build was aborted"); // as ScriptRun.stopWaiting does for the plugin's builds
                throw e;
            }
            listener.getLogger().println(outcome.isApproved() ? "Running the script now" : "Not approved; nothing was changed");
            return outcome.isApproved();
        }
    }
}
