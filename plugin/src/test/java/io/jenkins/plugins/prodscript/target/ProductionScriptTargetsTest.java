package io.jenkins.plugins.prodscript.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.AbortException;
import io.jenkins.plugins.prodscript.testing.Fixtures;
import io.jenkins.plugins.prodscript.testing.TestTarget;
import io.prodscript.engine.ledger.LedgerSchema;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.htmlunit.html.DomNode;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.util.NameValuePair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The administrator's configuration page: every setting survives the form, an invalid target is refused as a whole
 * with nothing saved, the form checks answer only administrators, and "Test connection" needs Administer and POST.
 */
@WithJenkins
class ProductionScriptTargetsTest {
    private static final String DESCRIPTOR = "descriptorByName/" + TargetDatabase.class.getName() + "/";
    private static final String SECRET = "Hunter2-in-the-url";
    private static final String OWNER_CREDENTIALS_ID = "owner-login";
    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule rule) {
        j = rule;
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ).everywhere().to("reader"));
    }

    private static TargetDatabase fullyConfigured() {
        TargetDatabase target = new TargetDatabase("prod-main", "jdbc:postgresql://db.example.com:5432/app?sslmode=require",
                Fixtures.CREDENTIALS_ID);
        target.setTier("production");
        target.setRequiredApprovals(3);
        target.setApprovers("bob, carol");
        target.setApproverGroups("dba");
        target.setMaxWaitHours(8);
        target.setStatementTimeoutSeconds(120);
        target.setLockTimeoutSeconds(3);
        target.setRescueRetentionDays(14);
        target.setRescueSchema("rescue_main");
        target.setConnectTimeoutSeconds(4);
        target.setSocketTimeoutSeconds(90);
        target.setLedgerLockTimeoutSeconds(2);
        target.setIdleInTransactionTimeoutSeconds(30);
        target.setOwnerCredentialsId(OWNER_CREDENTIALS_ID);
        return target;
    }

    @Test
    void everySettingSurvivesTheConfigurationPage() throws Exception {
        Fixtures.addLogin();
        TargetDatabase before = fullyConfigured();
        TargetDatabase staging = new TargetDatabase("staging", "jdbc:postgresql://staging/app", Fixtures.CREDENTIALS_ID);
        staging.setTier("staging");
        ProductionScriptTargets.get().setTargets(List.of(before, staging));

        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("admin");
            j.submit(wc.goTo("configure").getFormByName("config"));
        }

        List<TargetDatabase> after = ProductionScriptTargets.get().getTargets();
        assertEquals(2, after.size());
        j.assertEqualDataBoundBeans(before, after.get(0));
        j.assertEqualDataBoundBeans(staging, after.get(1));
        assertEquals(1, after.get(1).getEffectiveRequiredApprovals(), "staging's default");
        assertEquals(List.of("bob", "carol"), after.get(0).approverList());
    }

    @Test
    void removingTheLastTargetInTheFormRemovesIt() throws Exception {
        ProductionScriptTargets.get().setTargets(List.of(fullyConfigured()));
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("admin");
            HtmlForm form = wc.goTo("configure").getFormByName("config");
            // What the delete button does: the target's block leaves the form.
            for (Object chunk : form.getByXPath(".//div[@name='targets' and contains(@class, 'repeated-chunk')]")) {
                ((DomNode) chunk).remove();
            }
            j.submit(form);
        }
        assertEquals(List.of(), ProductionScriptTargets.get().names());
    }

    @Test
    void aUrlCarryingAPasswordIsRefusedAndNothingIsSaved() throws Exception {
        TargetDatabase good = fullyConfigured();
        ProductionScriptTargets.get().setTargets(List.of(good));

        TargetDatabase leaky = new TargetDatabase("leaky", "jdbc:postgresql://db/app?password=" + SECRET, "x");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ProductionScriptTargets.get().setTargets(List.of(good, leaky)));
        assertTrue(refused.getMessage().contains("Target 'leaky': The URL must not set 'password'"), refused.getMessage());
        assertFalse(refused.getMessage().contains(SECRET));
        assertEquals(List.of("prod-main"), ProductionScriptTargets.get().names());

        try (JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)) {
            wc.login("admin");
            HtmlForm form = wc.goTo("configure").getFormByName("config");
            form.getInputByName("_.jdbcUrl").setValue("jdbc:postgresql://admin:" + SECRET + "@db/app");
            WebResponse response = j.submit(form).getWebResponse();
            assertTrue(response.getStatusCode() >= 400, "refused, status " + response.getStatusCode());
            assertTrue(response.getContentAsString().contains("must not carry a user or password"));
        }
        j.assertEqualDataBoundBeans(good, ProductionScriptTargets.get().getTargets().get(0));
        String saved = new String(java.nio.file.Files.readAllBytes(
                j.jenkins.getRootDir().toPath().resolve(ProductionScriptTargets.class.getName() + ".xml")),
                java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(saved.contains(SECRET), "the refused URL was never written to disk");
    }

    @Test
    void twoTargetsWithOneNameAreRefused() {
        TargetDatabase first = fullyConfigured();
        TargetDatabase second = new TargetDatabase("prod-main", "jdbc:postgresql://other/app", "x");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ProductionScriptTargets.get().setTargets(List.of(first, second)));
        assertTrue(refused.getMessage().contains("repeated: prod-main"), refused.getMessage());
        assertEquals(List.of(), ProductionScriptTargets.get().names());
    }

    @Test
    void anUnknownTargetIsNamedWithTheConfiguredOnes() throws Exception {
        ProductionScriptTargets.get().setTargets(List.of(fullyConfigured()));
        AbortException unknown = assertThrows(AbortException.class, () -> ProductionScriptTargets.get().require("nowhere"));
        assertEquals("Unknown target 'nowhere'. Ask an administrator for the targets this job may use. Nothing was run.",
                unknown.getMessage());
    }

    @Test
    void formChecksAnswerAdministratorsWithoutEchoingTheUrl() throws Exception {
        String url = "jdbc:postgresql://db/app?sslpassword=" + SECRET;
        String asAdmin = post("admin", "checkJdbcUrl", new NameValuePair("value", url)).getContentAsString();
        assertTrue(asAdmin.contains("must not set"), asAdmin);
        assertFalse(asAdmin.contains(SECRET), asAdmin);
        String asReader = post("reader", "checkJdbcUrl", new NameValuePair("value", url)).getContentAsString();
        assertFalse(asReader.contains("must not set"), "only administrators get answers: " + asReader);

        assertTrue(post("admin", "checkLockTimeoutSeconds", new NameValuePair("value", "0")).getContentAsString()
                .contains("between 1 and"));
        assertTrue(post("admin", "checkName", new NameValuePair("value", "prod main")).getContentAsString()
                .contains("no spaces"));
        assertTrue(post("admin", "checkRescueSchema", new NameValuePair("value", "public")).getContentAsString()
                .contains("must be a schema of its own"));
        assertTrue(post("admin", "checkConnectTimeoutSeconds", new NameValuePair("value", "0")).getContentAsString()
                .contains("between 1 and"));
        assertTrue(post("admin", "checkIdleInTransactionTimeoutSeconds", new NameValuePair("value", "9999999"))
                .getContentAsString().contains("between 1 and"), "beyond PostgreSQL's limit");
        assertFalse(post("reader", "checkRescueSchema", new NameValuePair("value", "public")).getContentAsString()
                .contains("must be a schema of its own"), "only administrators get answers");
    }

    @Test
    void theCredentialsListShowsUsernamePasswordCredentialsToAdministratorsOnly() throws Exception {
        Fixtures.addLogin();
        String asAdmin = post("admin", "fillCredentialsIdItems", new NameValuePair("credentialsId", "")).getContentAsString();
        assertTrue(asAdmin.contains(Fixtures.CREDENTIALS_ID), asAdmin);
        String asReader = post("reader", "fillCredentialsIdItems", new NameValuePair("credentialsId", "")).getContentAsString();
        assertFalse(asReader.contains(Fixtures.CREDENTIALS_ID), asReader);
    }

    @Test
    void testConnectionNeedsAdministerAndPost() throws Exception {
        Fixtures.addLogin();
        TestTarget database = TestTarget.create();
        NameValuePair[] form = {new NameValuePair("name", "t"), new NameValuePair("jdbcUrl", database.url()),
            new NameValuePair("credentialsId", Fixtures.CREDENTIALS_ID)};

        WebResponse asAdmin = post("admin", "testConnection", form);
        assertEquals(200, asAdmin.getStatusCode());
        assertTrue(asAdmin.getContentAsString().contains("Connected from the controller: PostgreSQL"), asAdmin.getContentAsString());
        assertTrue(asAdmin.getContentAsString().contains("as " + TestTarget.USER));
        assertTrue(asAdmin.getContentAsString().contains("Ledger installed, version " + LedgerSchema.VERSION),
                asAdmin.getContentAsString());
        assertFalse(asAdmin.getContentAsString().contains(TestTarget.PASSWORD));

        assertEquals(403, post("reader", "testConnection", form).getStatusCode());
        try (JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)) {
            wc.login("admin");
            assertEquals(405, wc.goTo(DESCRIPTOR + "testConnection?jdbcUrl=x", null).getWebResponse().getStatusCode());
        }
    }

    @Test
    void testConnectionReportsAFailedLoginWithoutThePassword() throws Exception {
        TestTarget database = TestTarget.create();
        com.cloudbees.plugins.credentials.SystemCredentialsProvider provider =
                com.cloudbees.plugins.credentials.SystemCredentialsProvider.getInstance();
        provider.getCredentials().add(new com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl(
                com.cloudbees.plugins.credentials.CredentialsScope.SYSTEM, "wrong", "wrong password", TestTarget.USER,
                "Wrong-" + SECRET));
        provider.save();
        String answer = post("admin", "testConnection", new NameValuePair("name", "t"),
                new NameValuePair("jdbcUrl", database.url()), new NameValuePair("credentialsId", "wrong")).getContentAsString();
        assertTrue(answer.contains("Could not connect from the controller"), answer);
        assertFalse(answer.contains(SECRET), answer);
    }

    @Test
    void testConnectionSaysWhenTheLedgerIsNotInstalled() throws Exception {
        Fixtures.addLogin();
        TestTarget database = TestTarget.createWithoutLedger();
        String answer = post("admin", "testConnection", new NameValuePair("name", "t"),
                new NameValuePair("jdbcUrl", database.url()), new NameValuePair("credentialsId", Fixtures.CREDENTIALS_ID))
                .getContentAsString();
        assertTrue(answer.contains("Ledger not installed: runs are refused until an administrator presses Prepare target"),
                answer);
    }

    @Test
    void prepareTargetInstallsTheLedgerWithTheOwnersLoginForAdministratorsOnlyAndByPostOnly() throws Exception {
        TestTarget database = TestTarget.createWithoutLedger();
        Fixtures.addLogin();
        addOwnerLogin();
        TargetDatabase target = new TargetDatabase("prod-main", database.url(), Fixtures.CREDENTIALS_ID);
        target.setOwnerCredentialsId(OWNER_CREDENTIALS_ID);
        ProductionScriptTargets.get().setTargets(List.of(target));
        NameValuePair name = new NameValuePair("name", "prod-main");

        assertEquals(403, post("reader", "prepareTarget", name).getStatusCode());
        try (JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)) {
            wc.login("admin");
            assertEquals(405, wc.goTo(DESCRIPTOR + "prepareTarget?name=prod-main", null).getWebResponse().getStatusCode());
        }
        assertFalse(ledgerExists(database), "neither the reader's POST nor a GET installed anything");

        String installed = post("admin", "prepareTarget", name).getContentAsString();
        assertTrue(installed.contains("created ledger schema version " + LedgerSchema.VERSION), installed);
        assertFalse(installed.contains(TestTarget.OWNER_PASSWORD), installed);
        assertEquals(TestTarget.OWNER, database.queryOne("SELECT nspowner::regrole::text FROM pg_namespace"
                + " WHERE nspname = 'script_runner'"), "installed with the owner's login, not the runner's");

        String again = post("admin", "prepareTarget", name).getContentAsString();
        assertTrue(again.contains("was already installed; nothing changed"), again);
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("admin");
            String page = wc.goTo("configure").getWebResponse().getContentAsString();
            assertTrue(page.contains("Ledger installed, version " + LedgerSchema.VERSION + ". (seen by Prepare target"), page);
        }
    }

    @Test
    void prepareTargetWithoutAnOwnerCredentialInstallsNothing() throws Exception {
        TestTarget database = TestTarget.createWithoutLedger();
        Fixtures.addLogin();
        ProductionScriptTargets.get().setTargets(List.of(new TargetDatabase("prod-main", database.url(), Fixtures.CREDENTIALS_ID)));

        String answer = post("admin", "prepareTarget", new NameValuePair("name", "prod-main")).getContentAsString();

        assertTrue(answer.contains("has no owner credential"), answer);
        assertFalse(ledgerExists(database), "the runner's login is never used for installing");
    }

    /** Whether the ledger's schema exists, read from the catalog (the runner has no right on the ledger here). */
    private static boolean ledgerExists(TestTarget database) {
        return "1".equals(database.queryOne("SELECT count(*) FROM pg_namespace WHERE nspname = 'script_runner'"));
    }

    private static void addOwnerLogin() throws Exception {
        com.cloudbees.plugins.credentials.SystemCredentialsProvider provider =
                com.cloudbees.plugins.credentials.SystemCredentialsProvider.getInstance();
        provider.getCredentials().add(new com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl(
                com.cloudbees.plugins.credentials.CredentialsScope.SYSTEM, OWNER_CREDENTIALS_ID, "database owner",
                TestTarget.OWNER, TestTarget.OWNER_PASSWORD));
        provider.save();
    }

    private WebResponse post(String user, String method, NameValuePair... parameters) throws Exception {
        try (JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)) {
            wc.login(user);
            WebRequest request = new WebRequest(wc.createCrumbedUrl(DESCRIPTOR + method), HttpMethod.POST);
            List<NameValuePair> all = new java.util.ArrayList<>(request.getRequestParameters());
            all.addAll(List.of(parameters));
            request.setRequestParameters(all);
            return wc.getPage(request).getWebResponse();
        }
    }
}
