package io.jenkins.plugins.prodscript.history;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Action;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.Run;
import io.jenkins.plugins.prodscript.approval.ApprovalAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.audit.ShortForm;
import io.jenkins.plugins.prodscript.job.ScriptRunProject;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import io.jenkins.plugins.prodscript.target.TargetDatabase;
import io.prodscript.engine.report.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kohsuke.stapler.Stapler;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * A job's "Script run history" page ({@code <job>/script-runs/}) and its CSV and JSON downloads: every script run of
 * the job, newest first, with who asked, who approved and what became of it.
 *
 * <p>Pages go back in time by build number ({@code ?from=}), so each page loads only the builds it shows.
 */
public final class ScriptRunHistoryAction implements Action {
    static final String URL_NAME = "script-runs";
    static final int PAGE_SIZE = 50;
    /**
     * How many build numbers one download covers. A job may have many thousands of builds; each download loads at most
     * this many, and says in a {@code Link: <...?from=N>; rel="next"} header where the next slice starts.
     */
    static final int DOWNLOAD_BUILDS = 5000;

    private final Job<?, ?> job;

    ScriptRunHistoryAction(Job<?, ?> job) {
        this.job = job;
    }

    public Job<?, ?> getJob() {
        return job;
    }

    /** The rows the page shows, starting at the {@code from} build number of the current request. */
    public HistoryPage getPage() {
        StaplerRequest2 request = Stapler.getCurrentRequest2();
        return new ScriptRunHistory(job).page(request == null ? null : buildNumber(request.getParameter("from")), PAGE_SIZE);
    }

    /**
     * For the job page: the approvals waiting now in the latest {@value #PAGE_SIZE} builds, newest build first and in
     * the order each build asked for them, so approvers find them without opening builds one by one. A build making
     * several runs (a staging run, then a production run) may wait on any of its approvals, not only its latest: each
     * waiting one is listed with its own request and address ({@code approval/}, {@code approval-2/}, ...).
     */
    public List<ApprovalAction> getWaitingApprovals() {
        List<ApprovalAction> waiting = new ArrayList<>();
        if (!(job instanceof ScriptRunProject) && !new ScriptRunHistory(job).hasRecentScriptRuns()) {
            return waiting; // every job has this action: jobs that run no scripts do not pay for the scan
        }
        for (Run<?, ?> run : job.getBuilds().limit(PAGE_SIZE)) {
            run.getActions(ApprovalAction.class).stream().filter(ApprovalAction::isWaiting).forEach(waiting::add);
        }
        return waiting;
    }

    /**
     * For the job page of a "Run Production Script" job: the targets its builds may choose, as configured now (a name
     * no longer configured is left out; builds naming it are refused).
     */
    public List<TargetDatabase> getAllowedTargets() {
        if (!(job instanceof ScriptRunProject project)) {
            return List.of();
        }
        ProductionScriptTargets targets = ProductionScriptTargets.get();
        return project.getAllowedTargets().stream().map(targets::named).flatMap(Optional::stream).toList();
    }

    /** The row's outcome in words, for the page; the downloads keep the status name. */
    public String statusText(ScriptRunRow row) {
        return ScriptRunStatus.valueOf(row.getStatus()).getWords();
    }

    /** The commit as Git abbreviates it, for the page; the full id is on hover and in the downloads. */
    public String shortCommit(@CheckForNull String commit) {
        return ShortForm.commit(commit);
    }

    /** When the row's build started, to the minute in UTC, for the page; the downloads keep the ISO-8601 instant. */
    public String startedText(ScriptRunRow row) {
        return ShortForm.dateTime(Instant.parse(row.getStarted()).toEpochMilli());
    }

    /**
     * The script runs of the latest {@value #DOWNLOAD_BUILDS} builds (or of those from {@code ?from=}) as CSV: one row
     * per build, safe to open in a spreadsheet.
     */
    public void doCsv(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
        job.checkPermission(Item.READ);
        Integer from = buildNumber(request.getParameter("from"));
        startDownload(response, "text/csv", "csv", from);
        try (PrintWriter out = response.getWriter()) {
            CsvWriter csv = new CsvWriter(out);
            csv.row(ScriptRunRow.COLUMNS);
            new ScriptRunHistory(job).forEach(from, DOWNLOAD_BUILDS, row -> csv.row(row.values()));
        }
    }

    /** The same slice as {@link #doCsv} as a JSON array of objects, newest first. */
    public void doJson(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
        job.checkPermission(Item.READ);
        Integer from = buildNumber(request.getParameter("from"));
        startDownload(response, "application/json", "json", from);
        try (PrintWriter out = response.getWriter()) {
            out.write('[');
            boolean[] first = {true};
            new ScriptRunHistory(job).forEach(from, DOWNLOAD_BUILDS, row -> {
                out.write(first[0] ? "\n" : ",\n");
                out.write(Json.line(row));
                first[0] = false;
            });
            out.write("\n]\n");
        }
    }

    private void startDownload(StaplerResponse2 response, String contentType, String extension, @CheckForNull Integer from) {
        response.setContentType(contentType + ";charset=UTF-8");
        String name = job.getFullName().replaceAll("[^A-Za-z0-9._-]", "_") + "-script-runs." + extension;
        response.setHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
        Integer next = new ScriptRunHistory(job).nextSliceFrom(from, DOWNLOAD_BUILDS);
        if (next != null) {
            response.setHeader("Link", "<" + extension + "?from=" + next + ">; rel=\"next\"");
        }
    }

    private static @CheckForNull Integer buildNumber(@CheckForNull String text) {
        if (text == null || !text.matches("[0-9]{1,9}")) {
            return null;
        }
        return Integer.valueOf(text);
    }

    /** The side-panel link appears when the latest builds ran scripts; the page itself answers for every job. */
    @Override
    public @CheckForNull String getIconFileName() {
        return new ScriptRunHistory(job).hasRecentScriptRuns() ? "symbol-list" : null;
    }

    @Override
    public String getDisplayName() {
        return "Script run history";
    }

    @Override
    public String getUrlName() {
        return URL_NAME;
    }
}
