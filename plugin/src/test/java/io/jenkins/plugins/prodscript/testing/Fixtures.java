package io.jenkins.plugins.prodscript.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.Cause;
import hudson.model.Item;
import hudson.model.ParametersAction;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.StringParameterValue;
import io.jenkins.plugins.prodscript.approval.ApprovalAction;
import io.jenkins.plugins.prodscript.approval.ProductionScriptPermissions;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.job.ScriptRunBuild;
import io.jenkins.plugins.prodscript.job.ScriptRunProject;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import io.jenkins.plugins.prodscript.target.TargetDatabase;
import io.jenkins.plugins.prodscript.target.TargetRules;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.util.NameValuePair;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.SingleFileSCM;

/** Targets, credentials, people and parameters the plugin's Jenkins tests share. */
public final class Fixtures {
    public static final String CREDENTIALS_ID = "target-login";
    /** Lower-cases the two upper-case emails; expects exactly two rows. */
    public static final String FIX_EMAILS = "-- @description lower-case emails\n-- @ticket OPS-1\n-- @expect-rows 1: 2\n"
            + "UPDATE accounts SET email = lower(email) WHERE email <> lower(email);\n";

    /** Where {@link #scriptJob} jobs keep {@link #FIX_EMAILS}. */
    public static final String SCRIPT = "scripts/2024-05-fix-emails.sql";

    private Fixtures() {
    }

    /** A "Run Production Script" job whose checkout holds {@link #FIX_EMAILS} at {@link #SCRIPT}. */
    public static ScriptRunProject scriptJob(JenkinsRule j, String name, String... targets) throws Exception {
        ScriptRunProject job = j.createProject(ScriptRunProject.class, name);
        job.setScm(new SingleFileSCM(SCRIPT, FIX_EMAILS));
        job.setAllowedTargets(List.of(targets));
        return job;
    }

    /** A run of {@link #SCRIPT} on {@code target}, requested by alice, approved by bob, committed (job {@link #secure}d). */
    public static ScriptRunBuild committedRun(JenkinsRule j, ScriptRunProject job, String target) throws Exception {
        ScriptRunBuild build = j.waitForMessage("Approve or reject",
                job.scheduleBuild2(0, requestedBy("alice"), parameters(SCRIPT, target, "run")).waitForStart());
        if (approve(j, "bob", build) != 200) {
            throw new AssertionError("bob could not approve " + build);
        }
        return j.assertBuildStatusSuccess(j.waitForCompletion(build));
    }

    /** Configures target {@code name} on {@code database} with the test login stored as a credential. */
    public static TargetDatabase configureTarget(String name, TestTarget database, String tier) throws Exception {
        addLogin();
        TargetDatabase target = new TargetDatabase(name, database.url(), CREDENTIALS_ID);
        target.setTier(tier);
        if (TargetRules.isProduction(tier)) {
            // Tests run their builds on the built-in node, which a production target admits only when told so.
            target.setAllowedAgentLabels("built-in");
        }
        List<TargetDatabase> targets = new ArrayList<>(ProductionScriptTargets.get().getTargets());
        targets.add(target);
        ProductionScriptTargets.get().setTargets(targets);
        return target;
    }

    /**
     * Approves {@code build} (bob) while {@code database}'s accounts are locked, aborts it once its run waits for the
     * lock, and checks that the abort ended the build only after the run was cancelled and rolled back: when the build
     * is over the run's session no longer waits (the lock is still held), the record says CANCELLED with the agent's
     * report, and nothing was committed.
     */
    public static void abortOnceTheRunWaitsForALock(JenkinsRule j, Run<?, ?> build, TestTarget database) throws Exception {
        try (AutoCloseable lock = database.lock("accounts")) {
            assertEquals(200, approve(j, "bob", build));
            database.awaitOneSessionWaitingForALock(); // the run's UPDATE (lock timeout 5 s)
            build.getExecutor().interrupt();
            j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(build));
            assertEquals(0, database.sessionsWaitingForALock(), "the run's session no longer waits");
        }
        ScriptRunAction record = ScriptRunAction.of(build);
        assertEquals(ScriptRunStatus.CANCELLED, record.getStatus(), record.getMessage());
        assertTrue(record.getMessage().startsWith("Stopped; the agent reported:"), record.getMessage());
        j.assertLogContains("Stop requested: cancelling run " + record.getRunId(), build);
        assertEquals(2, database.upperCaseEmails(), "nothing committed");
    }

    /** The test login as targets need it: a System-scoped credential of the global store. */
    public static void addLogin() throws Exception {
        addLogin(CREDENTIALS_ID, CredentialsScope.SYSTEM);
    }

    /** The test login under {@code id} with {@code scope}, unless a credential with that id exists. */
    public static void addLogin(String id, CredentialsScope scope) throws Exception {
        SystemCredentialsProvider provider = SystemCredentialsProvider.getInstance();
        if (provider.getCredentials().stream().noneMatch(c -> c instanceof UsernamePasswordCredentialsImpl u
                && u.getId().equals(id))) {
            provider.getCredentials().add(new UsernamePasswordCredentialsImpl(scope, id, "login of the test target",
                    TestTarget.USER, TestTarget.PASSWORD));
            provider.save();
        }
    }

    /** alice may build and rehearse on production (and requests runs); bob and carol may approve. */
    public static void secure(JenkinsRule j, Item job) {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ).everywhere().toAuthenticated()
                .grant(Item.BUILD, ProductionScriptPermissions.REHEARSE_ON_PRODUCTION).onItems(job).to("alice")
                .grant(ProductionScriptPermissions.APPROVE).onItems(job).to("bob", "carol"));
    }

    public static ParametersAction parameters(String script, String target, String mode) {
        return new ParametersAction(new StringParameterValue("SCRIPT", script), new StringParameterValue("TARGET", target),
                new StringParameterValue("MODE", mode), new StringParameterValue("REVERT_RUN_ID", ""));
    }

    public static Cause.UserIdCause requestedBy(String user) {
        return new Cause.UserIdCause(user);
    }

    /** Approves {@code build} as {@code user} through the approval page's endpoint, as a browser would. */
    public static int approve(JenkinsRule j, String user, Run<?, ?> build) throws Exception {
        return decide(j, user, build, "approve", "checked the rehearsal");
    }

    private static int decide(JenkinsRule j, String user, Run<?, ?> build, String endpoint, String comment) throws Exception {
        try (JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false)) {
            wc.login(user);
            WebRequest request = new WebRequest(wc.createCrumbedUrl(build.getUrl() + "approval/" + endpoint), HttpMethod.POST);
            request.setRequestParameters(List.of(new NameValuePair("comment", comment),
                    new NameValuePair("digest", ApprovalAction.of(build).getRequestDigest())));
            return wc.getPage(request).getWebResponse().getStatusCode();
        }
    }

    /** Rejects {@code build} as {@code user}, as the approval page's Reject button would. */
    public static int reject(JenkinsRule j, String user, Run<?, ?> build) throws Exception {
        return decide(j, user, build, "reject", "not this week");
    }

        /** Every file under the build's directory (log, build.xml, artifacts) that contains {@code secret}. */
    public static List<Path> filesContaining(Run<?, ?> build, String secret) throws IOException {
        File root = build.getRootDir();
        try (Stream<Path> files = Files.walk(root.toPath())) {
            return files.filter(Files::isRegularFile).filter(f -> contains(f, secret)).toList();
        }
    }

    /**
     * Every file a build leaves behind that contains {@code secret}: its directory (log, {@code build.xml}, artifacts,
     * a Pipeline's {@code program.dat} while it waits) and the {@code @tmp} folder next to {@code workspace}, where runs
     * stage their files.
     */
    public static List<Path> filesContaining(Run<?, ?> build, hudson.FilePath workspace, String secret) throws IOException {
        List<Path> found = new java.util.ArrayList<>(filesContaining(build, secret));
        Path staging = Path.of(workspace.getRemote() + "@tmp");
        if (Files.isDirectory(staging)) {
            try (Stream<Path> files = Files.walk(staging)) {
                files.filter(Files::isRegularFile).filter(f -> contains(f, secret)).forEach(found::add);
            }
        }
        return found;
    }

        private static boolean contains(Path file, String secret) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(secret);
        } catch (IOException e) {
            throw new IllegalStateException(file.toString(), e);
        }
    }
}
