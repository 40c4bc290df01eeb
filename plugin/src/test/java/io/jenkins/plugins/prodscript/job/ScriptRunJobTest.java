package io.jenkins.plugins.prodscript.job;

import static io.jenkins.plugins.prodscript.testing.Fixtures.FIX_EMAILS;
import static io.jenkins.plugins.prodscript.testing.Fixtures.approve;
import static io.jenkins.plugins.prodscript.testing.Fixtures.configureTarget;
import static io.jenkins.plugins.prodscript.testing.Fixtures.filesContaining;
import static io.jenkins.plugins.prodscript.testing.Fixtures.parameters;
import static io.jenkins.plugins.prodscript.testing.Fixtures.requestedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.ParametersDefinitionProperty;
import hudson.model.Result;
import hudson.model.queue.QueueTaskFuture;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.run.ReportDigest;
import io.jenkins.plugins.prodscript.testing.TestTarget;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.SingleFileSCM;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class ScriptRunJobTest {
    private static final String SCRIPT = "scripts/2024-05-fix-emails.sql";

    @Test
    void rehearsalRollsBackAndArchivesPlanAndReport(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging");
        ScriptRunProject job = job(j, "staging-db");

        ScriptRunBuild build = j.assertBuildStatusSuccess(job.scheduleBuild2(0, parameters(SCRIPT, "staging-db", "rehearse")));

        ScriptRunAction record = build.getAction(ScriptRunAction.class);
        assertEquals(ScriptRunStatus.REHEARSED, record.getStatus());
        assertEquals(2, record.getRowsWouldChange());
        assertEquals(0, record.getRowsChanged(), "a rehearsal changes nothing, and its record says so");
        assertEquals(List.of(), record.getStatements());
        assertEquals(1, record.getRehearsalStatements().size());
        assertEquals("UPDATE", record.getRehearsalStatements().get(0).getKind());
        assertEquals(SCRIPT, record.getScriptPath());
        assertEquals(64, record.getChecksum().length());
        assertEquals(List.of("prodscript/script.sql", "prodscript/events.jsonl", "prodscript/plan.json",
                "prodscript/rehearsal.json"), record.getArtifacts());
        try (InputStream in = build.getArtifactManager().root().child("prodscript/script.sql").open()) {
            assertEquals(FIX_EMAILS, new String(in.readAllBytes(), StandardCharsets.UTF_8), "the text approvers read");
        }
        assertEquals(2, database.upperCaseEmails(), "a rehearsal changes nothing");
        j.assertLogNotContains(database.url(), build);
        j.assertLogContains("Rehearsal succeeded and was rolled back: 2 row(s) would change", build);
        assertEquals(List.of(), filesContaining(build, TestTarget.PASSWORD));
    }

    @Test
    void runWaitsForTwoApprovalsThenCommitsAndRecordsEverything(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("prod-main", database, "production");
        ScriptRunProject job = job(j, "prod-main");
        io.jenkins.plugins.prodscript.testing.Fixtures.secure(j, job);

        QueueTaskFuture<ScriptRunBuild> future = job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, "prod-main", "run"));
        ScriptRunBuild build = j.waitForMessage("Approve or reject", future.waitForStart());
        ScriptRunAction waiting = build.getAction(ScriptRunAction.class);
        assertEquals(ScriptRunStatus.WAITING_FOR_APPROVAL, waiting.getStatus());
        assertEquals(2, waiting.getRowsWouldChange());
        assertEquals(0, waiting.getRowsChanged(), "a waiting build has changed nothing");
        assertEquals(2, database.upperCaseEmails(), "nothing runs before approval");
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("bob");
            String jobPage = wc.goTo(job.getUrl()).getWebResponse().getContentAsString();
            assertTrue(jobPage.contains("Allowed targets"), "the job page names its targets");
            assertTrue(jobPage.contains("prod-main"), jobPage);
            assertTrue(jobPage.contains(build.getUrl()), "and links the build waiting for approval");
            assertTrue(jobPage.contains("Waiting for 2 approvals (0 so far)"), jobPage);
        }

        assertEquals(403, approve(j, "alice", build), "the requester cannot approve");
        assertEquals(200, approve(j, "bob", build));
        assertEquals(200, approve(j, "carol", build));
        j.assertBuildStatusSuccess(future);

        ScriptRunAction record = build.getAction(ScriptRunAction.class);
        assertEquals(ScriptRunStatus.COMMITTED, record.getStatus());
        assertEquals("alice", record.getRequester());
        assertEquals(2, record.getRowsChanged());
        assertEquals(0, database.upperCaseEmails());
        assertTrue(record.getArtifacts().containsAll(List.of("prodscript/run.json", "prodscript/manifest.json",
                "prodscript/reversal.sql")), record.getArtifacts().toString());
        assertEquals(1, record.getRescueTables().size());
        assertNotNull(record.getRescueTables().get(0).getExpiresAt());
        assertEquals("committed", database.queryOne("SELECT status FROM script_runner.runs WHERE run_id = '"
                + record.getRunId() + "'"));
        assertEquals("2", database.queryOne("SELECT count(*) FROM script_runner.approvals WHERE run_id = '"
                + record.getRunId() + "' AND counted"));
        // The approved digest is the SHA-256 of the archived rehearsal report, byte for byte.
        try (InputStream in = build.getArtifactManager().root().child("prodscript/rehearsal.json").open()) {
            String rehearsal = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(ReportDigest.sha256(rehearsal), io.jenkins.plugins.prodscript.approval.ApprovalAction.of(build)
                    .getRequest().getRehearsalDigest());
        }
        assertEquals(List.of(), filesContaining(build, TestTarget.PASSWORD));

        // The same script again: the target's ledger refuses it before anything runs; that is a refusal, not a failure.
        ScriptRunBuild again = j.assertBuildStatus(Result.FAILURE,
                job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, "prod-main", "rehearse")));
        ScriptRunAction refused = again.getAction(ScriptRunAction.class);
        assertEquals(ScriptRunStatus.REFUSED, refused.getStatus());
        assertEquals(0, refused.getRowsChanged());
        j.assertLogContains("Refused:", again);
    }

    @Test
    void aScriptRefusedAtPlanningIsRecordedWithTheChecksumOfItsBytes(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging");
        String wholeTable = "UPDATE accounts SET email = lower(email);\n";
        ScriptRunProject job = j.createProject(ScriptRunProject.class, "whole-table");
        job.setScm(new SingleFileSCM(SCRIPT, wholeTable));
        job.setAllowedTargets(List.of("staging-db"));

        ScriptRunBuild build = j.assertBuildStatus(Result.FAILURE,
                job.scheduleBuild2(0, parameters(SCRIPT, "staging-db", "rehearse")));

        ScriptRunAction record = build.getAction(ScriptRunAction.class);
        assertEquals(ScriptRunStatus.REFUSED, record.getStatus());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(wholeTable.getBytes(StandardCharsets.UTF_8))), record.getChecksum());
        j.assertLogContains("Refused:", build);
        assertFalse(database.touched(), "the database was not touched");
    }

    @Test
    void scriptOutsideTheScriptsDirectoryIsRefused(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging");
        ScriptRunProject job = job(j, "staging-db");

        ScriptRunBuild escaping = j.assertBuildStatus(Result.FAILURE,
                job.scheduleBuild2(0, parameters("scripts/../../outside.sql", "staging-db", "rehearse")));
        j.assertLogContains("must not contain '..'", escaping);
        ScriptRunBuild elsewhere = j.assertBuildStatus(Result.FAILURE,
                job.scheduleBuild2(0, parameters("other/fix.sql", "staging-db", "rehearse")));
        j.assertLogContains("is not under the job's scripts directory scripts/", elsewhere);
        ScriptRunBuild notSql = j.assertBuildStatus(Result.FAILURE,
                job.scheduleBuild2(0, parameters("scripts/notes.txt", "staging-db", "rehearse")));
        j.assertLogContains("does not name a .sql file", notSql);
        assertEquals(2, database.upperCaseEmails());
    }

    @Test
    void targetTheJobDoesNotAllowIsRefused(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging");
        configureTarget("prod-main", TestTarget.create(), "production");
        ScriptRunProject job = job(j, "staging-db");

        ScriptRunBuild build = j.assertBuildStatus(Result.FAILURE,
                job.scheduleBuild2(0, parameters(SCRIPT, "prod-main", "rehearse")));
        j.assertLogContains("This job may not run scripts on target 'prod-main'", build);
        assertNull(build.getAction(ScriptRunAction.class), "nothing was started");
    }

    @Test
    void missingCredentialsEndTheBuildWithoutTouchingTheDatabase(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging");
        io.jenkins.plugins.prodscript.target.TargetDatabase orphan =
                new io.jenkins.plugins.prodscript.target.TargetDatabase("orphan-db", database.url(), "no-such-login");
        List<io.jenkins.plugins.prodscript.target.TargetDatabase> targets =
                new java.util.ArrayList<>(io.jenkins.plugins.prodscript.target.ProductionScriptTargets.get().getTargets());
        targets.add(orphan);
        io.jenkins.plugins.prodscript.target.ProductionScriptTargets.get().setTargets(targets);
        ScriptRunProject job = job(j, "orphan-db");

        ScriptRunBuild build = j.assertBuildStatus(Result.FAILURE,
                job.scheduleBuild2(0, parameters(SCRIPT, "orphan-db", "rehearse")));
        j.assertLogContains("the credential 'no-such-login' does not exist", build);
        assertEquals(ScriptRunStatus.REFUSED, build.getAction(ScriptRunAction.class).getStatus());
        assertFalse(database.touched(), "the ledger was not even reached");
    }

    @Test
    void buildWithParametersOffersTheScriptsOfTheLastCheckout(JenkinsRule j) throws Exception {
        configureTarget("staging-db", TestTarget.create(), "staging");
        ScriptRunProject job = job(j, "staging-db");
        assertEquals(List.of(), ScriptParameterDefinition.choicesFor(job), "no checkout yet, nothing to offer");
        j.assertBuildStatusSuccess(job.scheduleBuild2(0, parameters(SCRIPT, "staging-db", "rehearse")));

        assertEquals(List.of(SCRIPT), ScriptParameterDefinition.choicesFor(job));
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            String form = wc.goTo(job.getUrl() + "build?delay=0sec").getWebResponse().getContentAsString();
            assertTrue(form.contains("<option value=\"" + SCRIPT + "\""), form);
        }
    }

    @Test
    void parametersFollowTheJobConfiguration(JenkinsRule j) throws Exception {
        configureTarget("staging-db", TestTarget.create(), "staging");
        ScriptRunProject job = job(j, "staging-db");
        job.removeProperty(ParametersDefinitionProperty.class);
        job = j.configRoundtrip(job);

        ParametersDefinitionProperty parameters = job.getProperty(ParametersDefinitionProperty.class);
        assertEquals(List.of("SCRIPT", "TARGET", "MODE", "REVERT_RUN_ID"), parameters.getParameterDefinitionNames());
        assertEquals(List.of("staging-db"), job.getAllowedTargets());
        assertEquals("scripts", job.getScriptsDirectory());
    }

    private static ScriptRunProject job(JenkinsRule j, String target) throws Exception {
        ScriptRunProject job = j.createProject(ScriptRunProject.class, "fix-" + target);
        job.setScm(new SingleFileSCM(SCRIPT, FIX_EMAILS));
        job.setAllowedTargets(List.of(target));
        return job;
    }
}
