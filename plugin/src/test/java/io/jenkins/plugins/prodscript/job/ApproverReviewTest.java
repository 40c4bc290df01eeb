package io.jenkins.plugins.prodscript.job;

import static io.jenkins.plugins.prodscript.testing.Fixtures.configureTarget;
import static io.jenkins.plugins.prodscript.testing.Fixtures.parameters;
import static io.jenkins.plugins.prodscript.testing.Fixtures.requestedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.queue.QueueTaskFuture;
import io.jenkins.plugins.prodscript.audit.Acknowledged;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.audit.TableRows;
import io.jenkins.plugins.prodscript.testing.Fixtures;
import io.jenkins.plugins.prodscript.testing.TestTarget;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.SingleFileSCM;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * What approvers read before deciding, beside the rehearsal's rows: the triggers the script's writes fire with the
 * reasons it gives, the functions it says were reviewed, and the rows a DELETE reaches in other tables through a
 * cascading foreign key, which the script never names.
 */
@WithJenkins
class ApproverReviewTest {
    private static final String SCRIPT = "scripts/2024-06-close-account.sql";
    private static final String TRIGGER_REASON = "writes one audit row per change, acceptable";
    private static final String FUNCTION_REASON = "pure, writes nothing";
    private static final String CLOSE_ACCOUNT = "-- @description normalise two emails, close account 3\n"
            + "-- @ticket OPS-2\n"
            + "-- @triggers-fire accounts_audit: " + TRIGGER_REASON + "\n"
            + "-- @functions-reviewed normalize_email: " + FUNCTION_REASON + "\n"
            + "UPDATE accounts SET email = normalize_email(email) WHERE id <= 2;\n"
            + "DELETE FROM accounts WHERE id = 3;\n";

    @Test
    void theApprovalPageShowsTriggersReviewedFunctionsAndCascadedRows(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        database.execute("""
                CREATE TABLE account_notes (id int PRIMARY KEY, account_id int NOT NULL REFERENCES accounts ON DELETE CASCADE);
                INSERT INTO account_notes VALUES (10, 3), (11, 3), (12, 1);
                CREATE TABLE audit_log (account_id int, at timestamptz DEFAULT now());
                CREATE FUNCTION log_account() RETURNS trigger LANGUAGE plpgsql AS
                  $$ BEGIN INSERT INTO audit_log (account_id) VALUES (NEW.id); RETURN NEW; END $$;
                CREATE TRIGGER accounts_audit AFTER UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION log_account();
                CREATE FUNCTION normalize_email(e text) RETURNS text LANGUAGE sql AS $$ SELECT lower(e) $$;
                """);
        configureTarget("prod-main", database, "production");
        ScriptRunProject job = j.createProject(ScriptRunProject.class, "close-account");
        job.setScm(new SingleFileSCM(SCRIPT, CLOSE_ACCOUNT));
        job.setAllowedTargets(List.of("prod-main"));
        Fixtures.secure(j, job);

        QueueTaskFuture<ScriptRunBuild> future = job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, "prod-main", "run"));
        ScriptRunBuild build = j.waitForMessage("Approve or reject", future.waitForStart());

        ScriptRunAction record = build.getAction(ScriptRunAction.class);
        assertEquals(ScriptRunStatus.WAITING_FOR_APPROVAL, record.getStatus());
        List<Acknowledged> triggers = record.getFiringTriggers();
        assertEquals(1, triggers.size(), triggers.toString());
        assertTrue(triggers.get(0).getObject().contains("accounts_audit"), triggers.get(0).getObject());
        assertEquals(TRIGGER_REASON, triggers.get(0).getReason());
        assertEquals(1, record.getReviewedFunctions().size());
        assertEquals("normalize_email", record.getReviewedFunctions().get(0).getObject());
        TableRows cascaded = record.getRehearsalTables().stream().filter(TableRows::isCascaded).findFirst().orElseThrow();
        assertEquals("public.account_notes", cascaded.getTable());
        assertEquals(2, cascaded.getRows(), "the two notes of account 3");
        assertNull(record.getRehearsalTables().get(0).getReachedThrough(), "the statement's own table comes first");

        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("bob");
            for (String page : List.of(build.getUrl() + "approval/", build.getUrl())) {
                String html = wc.goTo(page).getWebResponse().getContentAsString();
                assertTrue(html.contains("accounts_audit"), page + " names the trigger");
                assertTrue(html.contains(TRIGGER_REASON), page + " gives the script's reason for it");
                assertTrue(html.contains("normalize_email") && html.contains(FUNCTION_REASON), page + " names the reviewed function");
                assertTrue(html.contains("public.account_notes") && html.contains("cascade"), page + " shows the cascaded table");
            }
        }
        assertEquals("0", database.queryOne("SELECT count(*) FROM audit_log"), "the rehearsal's trigger rows were rolled back");
        Fixtures.reject(j, "bob", build);
        j.waitForCompletion(build);
    }
}
