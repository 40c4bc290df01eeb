package io.jenkins.plugins.prodscript.history;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Action;
import hudson.model.Item;
import hudson.model.Job;
import io.prodscript.engine.report.Json;
import java.io.IOException;
import java.io.PrintWriter;
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

    /** Every script run as CSV: one row per build, safe to open in a spreadsheet. */
    public void doCsv(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
        job.checkPermission(Item.READ);
        startDownload(response, "text/csv", "csv");
        try (PrintWriter out = response.getWriter()) {
            CsvWriter csv = new CsvWriter(out);
            csv.row(ScriptRunRow.COLUMNS);
            new ScriptRunHistory(job).forEach(row -> csv.row(row.values()));
        }
    }

    /** Every script run as a JSON array of objects, newest first. */
    public void doJson(StaplerRequest2 request, StaplerResponse2 response) throws IOException {
        job.checkPermission(Item.READ);
        startDownload(response, "application/json", "json");
        try (PrintWriter out = response.getWriter()) {
            out.write('[');
            boolean[] first = {true};
            new ScriptRunHistory(job).forEach(row -> {
                out.write(first[0] ? "\n" : ",\n");
                out.write(Json.line(row));
                first[0] = false;
            });
            out.write("\n]\n");
        }
    }

    private void startDownload(StaplerResponse2 response, String contentType, String extension) {
        response.setContentType(contentType + ";charset=UTF-8");
        String name = job.getFullName().replaceAll("[^A-Za-z0-9._-]", "_") + "-script-runs." + extension;
        response.setHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
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
