package io.jenkins.plugins.prodscript.history;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.List;

/**
 * One page of a job's script run history. Public with JavaBean getters because Jelly views read it.
 *
 * @param rows the rows, newest first
 * @param next the build number the next (older) page starts at, or null when there are no older builds
 */
public record HistoryPage(List<ScriptRunRow> rows, @CheckForNull Integer next) {
    public List<ScriptRunRow> getRows() {
        return rows;
    }

    public @CheckForNull Integer getNext() {
        return next;
    }
}
