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
import hudson.model.TaskListener;
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

/**
 * Rescue tables are announced before they are dropped, and dropped through the engine, recorded in the ledger, only
 * a day after their notice: a table that expired without notice (Jenkins down, a short retention) waits its day too.
 */
@WithJenkins
class RescueRetentionTest {
    private static final String NONE_YET = "Target staging-db: 0 rescue table(s) announced, expiring within 24 hours"
            + " or expired (none is dropped sooner than 24 hours after its notice), 0 dropped.";

    @Test
    void anExpiredTableIsAnnouncedFirstAndDroppedOnlyADayAfterItsNotice(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        TargetDatabase target = configureTarget("staging-db", database, "staging");
        ScriptRunProject job = scriptJob(j, "fix", "staging-db");
        secure(j, job);
        committedRun(j, job, "staging-db");
        // The ledger names the table with its schema, e.g. rescue.r_…
        String table = database.queryOne("SELECT table_name FROM script_runner.rescue_tables");
        assertNotNull(table, "the committed run kept what it changed");
        String regclass = "SELECT to_regclass('" + table + "')";
        String notice = "SELECT notice_given_at FROM script_runner.rescue_tables";
        RescueRetention retention = ExtensionList.lookupSingleton(RescueRetention.class);

        List<String> notYet = retention.runNow(target, "admin");
        assertTrue(notYet.contains(NONE_YET), notYet.toString());
        assertNull(database.queryOne(notice), "a table kept for a week is not announced yet");

        // Expired while nobody announced it: as after Jenkins was down over its expiry.
        database.execute("UPDATE script_runner.rescue_tables SET expires_at = now() - interval '1 hour'");
        List<String> announced = retention.runNow(target, "admin");
        assertTrue(announced.stream().anyMatch(l -> l.startsWith("Target staging-db: " + table + " ") && l.contains("announced at")),
                announced.toString());
        assertTrue(announced.stream().anyMatch(l -> l.endsWith(", 0 dropped.")), announced.toString());
        assertNotNull(database.queryOne(regclass), "expired, but announced only now: not dropped");
        assertNotNull(database.queryOne(notice), "the notice is recorded in the target's ledger");

        List<String> sameHour = retention.runNow(target, "admin");
        assertNotNull(database.queryOne(regclass), "the next run within the day drops nothing either");
        assertTrue(sameHour.stream().anyMatch(l -> l.endsWith(", 0 dropped.")), sameHour.toString());

        database.execute("UPDATE script_runner.rescue_tables SET notice_given_at = now() - interval '25 hours'");
        List<String> dropped = retention.runNow(target, "admin");
        assertTrue(dropped.stream().anyMatch(l -> l.startsWith("Target staging-db: dropped " + table)), dropped.toString());
        assertNull(database.queryOne(regclass), "dropped a day after its notice");
        assertEquals("admin", database.queryOne("SELECT dropped_by FROM script_runner.rescue_tables"), "recorded");
    }

    @Test
    void thePeriodicWorkAnnouncesAndDropsForEveryTarget(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging");
        ScriptRunProject job = scriptJob(j, "fix", "staging-db");
        secure(j, job);
        committedRun(j, job, "staging-db");
        String table = database.queryOne("SELECT table_name FROM script_runner.rescue_tables");
        database.execute("UPDATE script_runner.rescue_tables SET expires_at = now() - interval '1 hour'");
        RescueRetention retention = ExtensionList.lookupSingleton(RescueRetention.class);

        retention.execute(TaskListener.NULL);
        assertNotNull(database.queryOne("SELECT to_regclass('" + table + "')"), "announced, not dropped");
        assertNotNull(database.queryOne("SELECT notice_given_at FROM script_runner.rescue_tables"));

        database.execute("UPDATE script_runner.rescue_tables SET notice_given_at = now() - interval '25 hours'");
        retention.execute(TaskListener.NULL);
        assertNull(database.queryOne("SELECT to_regclass('" + table + "')"), "dropped a day after its notice");
        assertEquals(RescueRetention.DROPPED_BY, database.queryOne("SELECT dropped_by FROM script_runner.rescue_tables"));
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
