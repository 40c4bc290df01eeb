package io.jenkins.plugins.prodscript.retention;

import static io.jenkins.plugins.prodscript.testing.Fixtures.committedRun;
import static io.jenkins.plugins.prodscript.testing.Fixtures.configureTarget;
import static io.jenkins.plugins.prodscript.testing.Fixtures.scriptJob;
import static io.jenkins.plugins.prodscript.testing.Fixtures.secure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.ExtensionList;
import io.jenkins.plugins.prodscript.job.ScriptRunProject;
import io.jenkins.plugins.prodscript.target.TargetDatabase;
import io.jenkins.plugins.prodscript.testing.TestTarget;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.util.NameValuePair;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Rescue tables are announced a day before they expire, then dropped through the engine and recorded in the ledger. */
@WithJenkins
class RescueRetentionTest {
    @Test
    void expiredTablesAreDroppedAfterNoticeAndTheDropIsRecorded(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        TargetDatabase target = configureTarget("staging-db", database, "staging");
        ScriptRunProject job = scriptJob(j, "fix", "staging-db");
        secure(j, job);
        committedRun(j, job, "staging-db");
        // The registry names the table within the rescue schema.
        String table = database.queryOne("SELECT table_name FROM script_runner.rescue_tables");
        assertNotNull(table, "the committed run kept what it changed");
        String regclass = "SELECT to_regclass('rescue." + table + "')";
        RescueRetention retention = ExtensionList.lookupSingleton(RescueRetention.class);

        List<String> notYet = retention.runNow(target, "admin");
        assertTrue(notYet.contains("Target staging-db: 0 rescue table(s) expire within 24 hours, 0 dropped."), notYet.toString());

        database.execute("UPDATE script_runner.rescue_tables SET expires_at = now() + interval '2 hours'");
        List<String> notice = retention.runNow(target, "admin");
        assertTrue(notice.stream().anyMatch(l -> l.startsWith("Target staging-db: ") && l.contains(table) && l.contains("expires at")),
                notice.toString());
        assertNotNull(database.queryOne(regclass), "announced, not dropped");

        database.execute("UPDATE script_runner.rescue_tables SET expires_at = now() - interval '1 minute'");
        List<String> dropped = retention.runNow(target, "admin");
        assertTrue(dropped.stream().anyMatch(l -> l.startsWith("Target staging-db: dropped ") && l.contains(table)), dropped.toString());
        assertNull(database.queryOne(regclass), "dropped");
        assertEquals("admin", database.queryOne("SELECT dropped_by FROM script_runner.rescue_tables"), "recorded");
    }

    @Test
    void onlyAnAdministratorRunsItFromTheTargetsSettings(JenkinsRule j) throws Exception {
        configureTarget("staging-db", TestTarget.create(), "staging");
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ).everywhere().to("reader"));

        assertEquals(403, post(j, "reader").getStatusCode());
        org.htmlunit.WebResponse answer = post(j, "admin");
        assertEquals(200, answer.getStatusCode());
        assertTrue(!answer.getContentAsString().contains(TestTarget.PASSWORD), "never the password");
    }

    private static org.htmlunit.WebResponse post(JenkinsRule j, String user) throws Exception {
        try (JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)) {
            wc.login(user);
            WebRequest request = new WebRequest(wc.createCrumbedUrl("descriptorByName/"
                    + TargetDatabase.class.getName() + "/runMaintenance"), HttpMethod.POST);
            request.setRequestParameters(List.of(new NameValuePair("name", "staging-db")));
            return wc.getPage(request).getWebResponse();
        }
    }
}
