package io.jenkins.plugins.prodscript.history;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Job;
import hudson.model.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a job's script runs newest first, walking builds one by one so that only the builds a page needs are loaded:
 * Jenkins loads build records lazily, and a job may have thousands.
 *
 * <p>Walking newest first also meets every revert before the run it reverts, which is how a row learns it was
 * reverted. A page or download slice that starts further back has not met the reverts made later.
 */
final class ScriptRunHistory {
    /** How many builds one page may look at, so a job where few builds ran scripts still answers quickly. */
    static final int MAX_BUILDS_PER_PAGE = 500;

    private final Job<?, ?> job;

    ScriptRunHistory(Job<?, ?> job) {
        this.job = job;
    }

    /**
     * Up to {@code size} rows, starting at build number {@code from} (inclusive) and going back in time.
     *
     * @param from the newest build number to look at, or null for the latest build
     */
    HistoryPage page(@CheckForNull Integer from, int size) {
        Map<String, Integer> revertedBy = new HashMap<>();
        List<ScriptRunRow> rows = new ArrayList<>();
        Run<?, ?> run = from == null ? job.getLastBuild() : job.getNearestOldBuild(from);
        int examined = 0;
        while (run != null && rows.size() < size && examined < MAX_BUILDS_PER_PAGE) {
            rowOf(run, revertedBy).ifPresent(rows::add);
            examined++;
            run = run.getPreviousBuild();
        }
        return new HistoryPage(rows, run == null ? null : run.getNumber());
    }

    /**
     * The rows of one slice of builds, newest first, handed over one at a time so a download never holds the history:
     * the builds numbered from {@code from} (or the latest) down to {@code maxBuilds} numbers below it.
     */
    void forEach(@CheckForNull Integer from, int maxBuilds, RowSink sink) throws IOException {
        Map<String, Integer> revertedBy = new HashMap<>();
        Run<?, ?> run = start(from);
        int lowest = run == null ? 0 : run.getNumber() - maxBuilds + 1;
        for (; run != null && run.getNumber() >= lowest; run = run.getPreviousBuild()) {
            Optional<ScriptRunRow> row = rowOf(run, revertedBy);
            if (row.isPresent()) {
                sink.accept(row.get());
            }
        }
    }

    /**
     * Where the slice after {@link #forEach(Integer, int, RowSink)}'s begins, or null when that slice reached the
     * oldest build; known before the slice is read, so a download can say it in a header.
     */
    @CheckForNull
    Integer nextSliceFrom(@CheckForNull Integer from, int maxBuilds) {
        Run<?, ?> start = start(from);
        if (start == null) {
            return null;
        }
        int below = start.getNumber() - maxBuilds;
        return below > 0 && job.getNearestOldBuild(below) != null ? below : null;
    }

    private @CheckForNull Run<?, ?> start(@CheckForNull Integer from) {
        return from == null ? job.getLastBuild() : job.getNearestOldBuild(from);
    }

    /** Whether one of the latest builds ran a script; cheap enough to decide whether to show the link. */
    boolean hasRecentScriptRuns() {
        return hasScriptRun(job.getLastBuild()) || hasScriptRun(job.getLastCompletedBuild());
    }

    private static Optional<ScriptRunRow> rowOf(Run<?, ?> run, Map<String, Integer> revertedBy) {
        Optional<ScriptRunRow> row = ScriptRunRow.of(run, revertedBy::get);
        row.filter(ScriptRunRow::isCommittedRevert)
                .ifPresent(revert -> revertedBy.putIfAbsent(revert.getRevertsRunId(), revert.getBuild()));
        return row;
    }

    private static boolean hasScriptRun(@CheckForNull Run<?, ?> run) {
        return run != null && ScriptRunRow.isScriptRun(run);
    }

    /** Receives rows as they are read; may write them out. */
    interface RowSink {
        void accept(ScriptRunRow row) throws IOException;
    }
}
