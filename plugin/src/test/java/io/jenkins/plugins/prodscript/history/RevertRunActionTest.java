package io.jenkins.plugins.prodscript.history;

import static io.jenkins.plugins.prodscript.job.ScriptParameters.MODE;
import static io.jenkins.plugins.prodscript.job.ScriptParameters.REVERT_RUN_ID;
import static io.jenkins.plugins.prodscript.job.ScriptParameters.REVERT_TRIGGERS;
import static io.jenkins.plugins.prodscript.job.ScriptParameters.SCRIPT;
import static io.jenkins.plugins.prodscript.job.ScriptParameters.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Cause;
import hudson.model.ChoiceParameterDefinition;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Item;
import hudson.model.ParametersAction;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.StringParameterDefinition;
import hudson.model.StringParameterValue;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.util.NameValuePair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** "Revert this run" starts a new build in revert mode, as whoever clicked, with the original script and target. */
@WithJenkins
class RevertRunActionTest {
    private JenkinsRule j;
    private FreeStyleProject project;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        project = j.createFreeStyleProject("fix-accounts");
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ).everywhere().toAuthenticated()
                .grant(Item.BUILD).onItems(project).to("alice"));
        project.addProperty(new ParametersDefinitionProperty(
                new StringParameterDefinition(SCRIPT, ""),
                new ChoiceParameterDefinition(TARGET, new String[] {"prod-main", "staging"}, ""),
                new ChoiceParameterDefinition(MODE, new String[] {"rehearse", "run", "revert"}, ""),
                new StringParameterDefinition(REVERT_RUN_ID, ""),
                new StringParameterDefinition("TICKET", "none")));
    }

    @Test
    void revertingStartsARevertBuildOfTheSameScriptAndTarget() throws Exception {
        FreeStyleBuild original = runScript(ScriptRunStatus.COMMITTED);
        project.getBuildersList().clear();

        assertEquals(403, schedule("bob", original), "Job/Build is needed");
        assertEquals(200, schedule("alice", original));
        j.waitUntilNoActivity();

        FreeStyleBuild revert = project.getBuildByNumber(2);
        ParametersAction parameters = revert.getAction(ParametersAction.class);
        assertEquals("revert", parameters.getParameter(MODE).getValue());
        assertEquals("run-1", parameters.getParameter(REVERT_RUN_ID).getValue());
        assertEquals("fixes/accounts.sql", parameters.getParameter(SCRIPT).getValue());
        assertEquals("prod-main", parameters.getParameter(TARGET).getValue());
        assertEquals("OPS-7", parameters.getParameter("TICKET").getValue(), "other parameters keep their values");
        assertEquals("alice", revert.getCause(Cause.UserIdCause.class).getUserId(), "the clicker requests the revert");
        assertNull(project.getBuildByNumber(3), "the refused attempt scheduled nothing");
    }

    @Test
    void triggersAreSuppressedOnlyWhenTheCheckboxSaysSoAndTheJobCanBeToldSo() throws Exception {
        FreeStyleBuild original = runScript(ScriptRunStatus.COMMITTED);
        project.getBuildersList().clear();
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("alice");
            assertFalse(wc.goTo(original.getUrl() + "revert/").getWebResponse().getContentAsString()
                    .contains("name=\"suppressTriggers\""), "a job without REVERT_TRIGGERS is not offered the option");
        }
        assertEquals(409, schedule("alice", original, true), "asked for but impossible: refused, not silently ignored");
        assertNull(project.getBuildByNumber(2), "nothing scheduled");

        ParametersDefinitionProperty property = project.getProperty(ParametersDefinitionProperty.class);
        List<hudson.model.ParameterDefinition> definitions = new java.util.ArrayList<>(property.getParameterDefinitions());
        definitions.add(new ChoiceParameterDefinition(REVERT_TRIGGERS, new String[] {"fire", "suppress"}, ""));
        project.removeProperty(ParametersDefinitionProperty.class);
        project.addProperty(new ParametersDefinitionProperty(definitions));
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("alice");
            assertTrue(wc.goTo(original.getUrl() + "revert/").getWebResponse().getContentAsString()
                    .contains("name=\"suppressTriggers\""), "the option is an explicit checkbox");
        }

        assertEquals(200, schedule("alice", original, true));
        j.waitUntilNoActivity();
        assertEquals("suppress", project.getBuildByNumber(2).getAction(ParametersAction.class).getParameter(REVERT_TRIGGERS).getValue());
        assertEquals(200, schedule("alice", original, false));
        j.waitUntilNoActivity();
        assertEquals("fire", project.getBuildByNumber(3).getAction(ParametersAction.class).getParameter(REVERT_TRIGGERS).getValue(),
                "unchecked: triggers fire");
    }

    @Test
    void onlyCommittedRunsOfferARevert() throws Exception {
        FreeStyleBuild failed = runScript(ScriptRunStatus.FAILED);

        assertNull(failed.getAction(RevertRunAction.class));
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("alice");
            wc.assertFails(failed.getUrl() + "revert/", 404);
        }
    }

    @Test
    void aJobThatCannotStartARevertDoesNotOfferOne() throws Exception {
        FreeStyleProject withoutParameters = j.createFreeStyleProject("pipeline-like");
        withoutParameters.getBuildersList().add(RecordScriptRun.run("run-9", "fixes/accounts.sql", ScriptRunStatus.COMMITTED));
        FreeStyleBuild committed = j.buildAndAssertSuccess(withoutParameters);

        assertNull(committed.getAction(RevertRunAction.class), "no revert parameters: the button could only fail");
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("alice");
            wc.assertFails(committed.getUrl() + "revert/", 404);
        }
    }

        private FreeStyleBuild runScript(ScriptRunStatus status) throws Exception {
        project.getBuildersList().replaceBy(List.of(RecordScriptRun.run("run-1", "fixes/accounts.sql", status)));
        return j.assertBuildStatusSuccess(project.scheduleBuild2(0, new ParametersAction(
                new StringParameterValue(SCRIPT, "fixes/accounts.sql"), new StringParameterValue(TARGET, "prod-main"),
                new StringParameterValue(MODE, "run"), new StringParameterValue(REVERT_RUN_ID, ""),
                new StringParameterValue("TICKET", "OPS-7"))));
    }

    private int schedule(String user, FreeStyleBuild build) throws Exception {
        return schedule(user, build, false);
    }

    private int schedule(String user, FreeStyleBuild build, boolean suppressTriggers) throws Exception {
        try (JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)) {
            wc.login(user);
            WebRequest request = new WebRequest(wc.createCrumbedUrl(build.getUrl() + "revert/schedule"), HttpMethod.POST);
            if (suppressTriggers) {
                request.setRequestParameters(List.of(new NameValuePair("suppressTriggers", "true")));
            }
            return wc.getPage(request).getWebResponse().getStatusCode();
        }
    }
}
