package io.jenkins.plugins.prodscript.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Item;
import hudson.tasks.Builder;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import java.util.List;
import jenkins.model.Jenkins;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The job's script run history: #1 committed run-1, #2 ran no script, #3 failed with a script name made to look
 * like a spreadsheet formula, #4 reverted run-1.
 */
@WithJenkins
class ScriptRunHistoryTest {
    private static final String FORMULA_SCRIPT = "=HYPERLINK(\"http://evil.example\")";

    private JenkinsRule j;
    private FreeStyleProject project;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ).everywhere().to("auditor"));
        project = j.createFreeStyleProject("fix-accounts");
        build(RecordScriptRun.run("run-1", "fixes/accounts.sql", ScriptRunStatus.COMMITTED));
        build();
        build(RecordScriptRun.run("run-3", FORMULA_SCRIPT, ScriptRunStatus.FAILED));
        build(RecordScriptRun.revert("run-4", "run-1"));
    }

    @Test
    void thePageListsEveryScriptRunNewestFirst() throws Exception {
        HistoryPage page = new ScriptRunHistory(project).page(null, ScriptRunHistoryAction.PAGE_SIZE);

        assertEquals(List.of(4, 3, 1), page.rows().stream().map(ScriptRunRow::getBuild).toList());
        assertNull(page.next(), "no older builds");
        ScriptRunRow first = page.rows().get(2);
        assertEquals("fixes/accounts.sql", first.getScript());
        assertEquals("COMMITTED", first.getStatus());
        assertEquals(12, first.getRowsChanged());
        ScriptRunRow failed = page.rows().get(1);
        assertEquals("FAILED", failed.getStatus());
        assertEquals(0, failed.getRowsChanged(), "a run that did not commit changed nothing");
        assertEquals(12, failed.getRowsWouldChange(), "what its rehearsal would have changed is kept apart");
        assertEquals("alice", first.getRequester());
        assertEquals("reverted by #4", first.getRescue());

        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("auditor");
            String html = wc.goTo("job/fix-accounts/script-runs/").getWebResponse().getContentAsString();
            assertTrue(html.contains("fixes/accounts.sql"), html);
            assertTrue(html.contains("reverted by #4"), html);
        }
        assertNotNull(new ScriptRunHistoryAction(project).getIconFileName(), "the link shows on a job with script runs");
    }

    @Test
    void pagesGoBackInTimeByBuildNumber() {
        HistoryPage olderPage = new ScriptRunHistory(project).page(3, ScriptRunHistoryAction.PAGE_SIZE);
        assertEquals(List.of(3, 1), olderPage.rows().stream().map(ScriptRunRow::getBuild).toList());

        HistoryPage shortPage = new ScriptRunHistory(project).page(null, 1);
        assertEquals(List.of(4), shortPage.rows().stream().map(ScriptRunRow::getBuild).toList());
        assertEquals(3, shortPage.next());
    }

    @Test
    void theCsvListsTheRunsAndDefusesFormulas() throws Exception {
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("auditor");
            String csv = wc.goTo("job/fix-accounts/script-runs/csv", "text/csv").getWebResponse().getContentAsString();
            String[] lines = csv.split("\r\n");
            assertEquals(String.join(",", ScriptRunRow.COLUMNS), lines[0]);
            assertEquals(4, lines.length, csv);
            assertTrue(lines[1].startsWith("4,"), csv);
            assertTrue(lines[2].contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""), csv);
            assertTrue(lines[3].startsWith("1,") && lines[3].contains(",fixes/accounts.sql,"), csv);
        }
    }

    @Test
    void theJsonListsTheRuns() throws Exception {
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("auditor");
            String json = wc.goTo("job/fix-accounts/script-runs/json", "application/json").getWebResponse()
                    .getContentAsString();
            JSONArray runs = JSONArray.fromObject(json);
            assertEquals(3, runs.size());
            JSONObject revert = runs.getJSONObject(0);
            assertEquals(4, revert.getInt("build"));
            assertEquals("run-1", revert.getString("revertsRunId"));
            assertEquals(RecordScriptRun.CHECKSUM, revert.getString("checksum"));
        }
    }

    @Test
    void aDownloadCoversOneSliceOfBuildsAndNamesWhereTheNextBegins() throws Exception {
        ScriptRunHistory history = new ScriptRunHistory(project);
        List<String> slice = new java.util.ArrayList<>();
        history.forEach(null, 2, row -> slice.add(row.getRunId()));
        assertEquals(List.of("run-4", "run-3"), slice, "builds 4 and 3 only");
        assertEquals(2, history.nextSliceFrom(null, 2));

        List<String> next = new java.util.ArrayList<>();
        history.forEach(2, 2, row -> next.add(row.getRunId()));
        assertEquals(List.of("run-1"), next, "build 2 ran no script, build 1 did");
        assertEquals(null, history.nextSliceFrom(2, 2), "the oldest build was reached");

        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.login("auditor");
            assertEquals(null, wc.goTo("job/fix-accounts/script-runs/csv", "text/csv").getWebResponse()
                    .getResponseHeaderValue("Link"), "4 builds fit in one download");
        }
    }

    @Test
    void downloadsNeedReadAccessToTheJob() throws Exception {
        try (JenkinsRule.WebClient wc = j.createWebClient()) {
            wc.assertFails("job/fix-accounts/script-runs/csv", 403);
        }
    }

    private void build(Builder... steps) throws Exception {
        project.getBuildersList().replaceBy(List.of(steps));
        j.buildAndAssertSuccess(project);
    }
}
