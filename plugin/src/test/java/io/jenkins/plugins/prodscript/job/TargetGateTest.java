package io.jenkins.plugins.prodscript.job;

import static io.jenkins.plugins.prodscript.testing.Fixtures.FIX_EMAILS;
import static io.jenkins.plugins.prodscript.testing.Fixtures.SCRIPT;
import static io.jenkins.plugins.prodscript.testing.Fixtures.addLogin;
import static io.jenkins.plugins.prodscript.testing.Fixtures.configureTarget;
import static io.jenkins.plugins.prodscript.testing.Fixtures.filesContaining;
import static io.jenkins.plugins.prodscript.testing.Fixtures.parameters;
import static io.jenkins.plugins.prodscript.testing.Fixtures.requestedBy;
import static io.jenkins.plugins.prodscript.testing.Fixtures.scriptJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import hudson.model.Item;
import hudson.model.Result;
import io.jenkins.plugins.prodscript.approval.ProductionScriptPermissions;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import io.jenkins.plugins.prodscript.target.TargetDatabase;
import io.jenkins.plugins.prodscript.testing.TestTarget;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.MockFolder;
import org.jvnet.hudson.test.SingleFileSCM;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The approval gate guards the login, not only the COMMIT: who can reach a target's password, and who may rehearse on
 * production. Each test tries the way around the gate an ordinary Pipeline author or job owner would try.
 */
@WithJenkins
class TargetGateTest {
    @Test
    void aPipelineCannotBindTheSystemScopedLoginWithWithCredentials(JenkinsRule j) throws Exception {
        configureTarget("staging-db", TestTarget.create(), "staging");
        WorkflowJob pipeline = j.createProject(WorkflowJob.class, "steal-login");
        pipeline.setDefinition(new CpsFlowDefinition("node {\n"
                + "  withCredentials([usernamePassword(credentialsId: 'target-login', usernameVariable: 'U',"
                + " passwordVariable: 'P')]) {\n"
                + "    echo \"got ${P.length()} characters\"\n"
                + "  }\n"
                + "}", true));

        WorkflowRun build = j.assertBuildStatus(Result.FAILURE, pipeline.scheduleBuild2(0));

        j.assertLogContains("Could not find credentials entry with ID 'target-login'", build);
        j.assertLogNotContains("got ", build);
        assertEquals(List.of(), filesContaining(build, TestTarget.PASSWORD));
    }

    @Test
    void aGlobalScopedCredentialIsNotAcceptedAsATargetLogin(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        addLogin("global-login", CredentialsScope.GLOBAL);
        TargetDatabase target = new TargetDatabase("staging-db", database.url(), "global-login");
        target.setTier("staging");
        ProductionScriptTargets.get().setTargets(List.of(target));
        ScriptRunProject job = scriptJob(j, "fix", "staging-db");

        ScriptRunBuild build = j.assertBuildStatus(Result.FAILURE,
                job.scheduleBuild2(0, parameters(SCRIPT, "staging-db", "rehearse")));

        j.assertLogContains("is not of System scope", build);
        assertFalse(database.touched(), "the database was not touched");
    }

    @Test
    void aJobOutsideTheTargetsAllowListIsRefusedAndOneInsideIsAdmitted(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging").setAllowedJobs("team/");
        ScriptRunProject outsider = scriptJob(j, "teamwork-fix", "staging-db");
        MockFolder team = j.createFolder("team");
        ScriptRunProject insider = team.createProject(ScriptRunProject.class, "fix");
        insider.setScm(new SingleFileSCM(SCRIPT, FIX_EMAILS));
        insider.setAllowedTargets(List.of("staging-db"));

        ScriptRunBuild refused = j.assertBuildStatus(Result.FAILURE,
                outsider.scheduleBuild2(0, parameters(SCRIPT, "staging-db", "rehearse")));
        j.assertLogContains("the job teamwork-fix is not in the target's list of allowed jobs", refused);
        assertNull(refused.getAction(ScriptRunAction.class), "nothing was started");
        assertFalse(database.touched(), "the database was not touched");

        ScriptRunBuild admitted = j.assertBuildStatusSuccess(
                insider.scheduleBuild2(0, parameters(SCRIPT, "staging-db", "rehearse")));
        assertEquals(ScriptRunStatus.REHEARSED, admitted.getAction(ScriptRunAction.class).getStatus());
    }

    @Test
    void aPipelineIsRefusedOnAProductionTargetUnlessTheTargetAllowsPipelines(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("prod-main", database, "production");
        WorkflowJob pipeline = j.createProject(WorkflowJob.class, "pipeline");
        pipeline.setDefinition(new CpsFlowDefinition("node {\n"
                + "  writeFile file: 'scripts/fix.sql', text: '''" + FIX_EMAILS + "'''\n"
                + "  runScript script: 'scripts/fix.sql', target: 'prod-main'\n"
                + "}", true));

        WorkflowRun build = j.assertBuildStatus(Result.FAILURE, pipeline.scheduleBuild2(0));

        j.assertLogContains("Pipelines may not use this target", build);
        assertFalse(database.touched(), "the database was not touched");
    }

    @Test
    void anAgentWithoutAnAllowedLabelIsRefused(JenkinsRule j) throws Exception {
        TestTarget database = TestTarget.create();
        configureTarget("staging-db", database, "staging").setAllowedAgentLabels("db-runners");
        ScriptRunProject job = scriptJob(j, "fix", "staging-db");

        ScriptRunBuild refused = j.assertBuildStatus(Result.FAILURE,
                job.scheduleBuild2(0, parameters(SCRIPT, "staging-db", "rehearse")));
        j.assertLogContains("the agent running this build has none of the target's allowed labels (db-runners)", refused);
        assertFalse(database.touched(), "the database was not touched");

        // The controller's own label admits it.
        ProductionScriptTargets.get().named("staging-db").orElseThrow().setAllowedAgentLabels("db-runners built-in");
        j.assertBuildStatusSuccess(job.scheduleBuild2(0, parameters(SCRIPT, "staging-db", "rehearse")));
    }

    @Test
    void rehearsingOnProductionNeedsItsOwnPermission(JenkinsRule j) throws Exception {
        TestTarget production = TestTarget.create();
        configureTarget("prod-main", production, "production");
        ScriptRunProject job = scriptJob(j, "fix", "prod-main");
        secure(j, job, false);

        ScriptRunBuild refused = j.assertBuildStatus(Result.FAILURE,
                job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, "prod-main", "rehearse")));
        j.assertLogContains("needs the permission Production scripts/Rehearse on production on this job for alice", refused);
        assertFalse(production.touched(), "production was not touched");

        secure(j, job, true);
        ScriptRunBuild allowed = j.assertBuildStatusSuccess(
                job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, "prod-main", "rehearse")));
        assertEquals(ScriptRunStatus.REHEARSED, allowed.getAction(ScriptRunAction.class).getStatus());
    }

    @Test
    void aProductionTargetWithRehearseOnRehearsesOnStagingWithoutThePermission(JenkinsRule j) throws Exception {
        TestTarget production = TestTarget.create();
        TestTarget staging = TestTarget.create();
        configureTarget("staging-db", staging, "staging");
        List<TargetDatabase> targets = new ArrayList<>(ProductionScriptTargets.get().getTargets());
        TargetDatabase prod = new TargetDatabase("prod-main", production.url(), "target-login");
        prod.setRehearseOn("staging-db");
        prod.setAllowedAgentLabels("built-in"); // the test's builds run on the controller
        targets.add(prod);
        ProductionScriptTargets.get().setTargets(targets);
        ScriptRunProject job = scriptJob(j, "fix", "prod-main");
        secure(j, job, false);

        ScriptRunBuild build = j.assertBuildStatusSuccess(
                job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, "prod-main", "rehearse")));

        j.assertLogContains("rehearsed on target staging-db", build);
        assertEquals(2, build.getAction(ScriptRunAction.class).getRowsWouldChange());
        assertTrue(staging.touched(), "the rehearsal ran on staging");
        assertFalse(production.touched(), "production was not touched");
    }

    @Test
    void rehearseOnMustNameAnotherNonProductionTarget(JenkinsRule j) throws Exception {
        addLogin();
        TargetDatabase prod = new TargetDatabase("prod-main", "jdbc:postgresql://db/app", "target-login");
        prod.setRehearseOn("prod-replica");
        TargetDatabase replica = new TargetDatabase("prod-replica", "jdbc:postgresql://replica/app", "target-login");

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ProductionScriptTargets.get().setTargets(List.of(prod, replica)));

        assertTrue(refused.getMessage().contains("must name a target that is not of the production tier"),
                refused.getMessage());
        assertEquals(List.of(), ProductionScriptTargets.get().names(), "nothing was saved");
    }

    @Test
    void theJobsLogMasksThePasswordsOfItsTargets(JenkinsRule j) throws Exception {
        configureTarget("staging-db", TestTarget.create(), "staging");
        ScriptRunProject job = scriptJob(j, "fix", "staging-db");
        ScriptRunBuild build = j.assertBuildStatusSuccess(job.scheduleBuild2(0, parameters(SCRIPT, "staging-db", "rehearse")));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (OutputStream masked = new ScriptJobLogMasking().decorateLogger(build, log)) {
            masked.write(("psql password=" + TestTarget.PASSWORD + " done\n").getBytes(StandardCharsets.UTF_8));
        }

        String written = log.toString(StandardCharsets.UTF_8);
        assertFalse(written.contains(TestTarget.PASSWORD), written);
        assertEquals("psql password=**** done\n", written);
    }

    /** alice may build the job, and rehearse on production when {@code mayRehearse}. */
    private static void secure(JenkinsRule j, Item job, boolean mayRehearse) {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        MockAuthorizationStrategy strategy = new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ).everywhere().toAuthenticated()
                .grant(Item.BUILD).onItems(job).to("alice");
        if (mayRehearse) {
            strategy.grant(ProductionScriptPermissions.REHEARSE_ON_PRODUCTION).onItems(job).to("alice");
        }
        j.jenkins.setAuthorizationStrategy(strategy);
    }
}
