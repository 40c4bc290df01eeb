package io.prodscript.cli;

import io.prodscript.engine.execution.RunEvent;
import io.prodscript.engine.execution.RunListener;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.plan.StatementKind;
import java.io.PrintWriter;

/**
 * Prints a run's events as they happen, one line each; a statement gets one line, when it has finished (with its
 * rows), not a second one when it starts.
 */
final class EventPrinter implements RunListener {
    private final PrintWriter out;
    private final String indent;
    private boolean started;
    private boolean endPrinted;

    EventPrinter(PrintWriter out, String indent) {
        this.out = out;
        this.indent = indent;
    }

    @Override
    public void on(RunEvent event) {
        if (event instanceof RunEvent.StatementStarted) {
            return;
        }
        started |= event instanceof RunEvent.RunStarted;
        if (event instanceof RunEvent.RunFinished finished && !started && finished.status() == RunStatus.FAILED) {
            // Nothing began (e.g. the database could not be reached), so nothing was rolled back either.
            out.println(indent + "Did not start, nothing ran: " + finished.failure());
        } else {
            out.println(indent + event.describe());
        }
        out.flush();
        if (event instanceof RunEvent.RunFinished) {
            endPrinted = true;
        }
    }

    /**
     * Prints how the run ended unless its run-finished event already did: a run that cannot reach the database ends
     * without any event, and the person at the terminal still needs to read why.
     */
    void printEnd(RunResult result) {
        if (endPrinted) {
            return;
        }
        on(new RunEvent.RunFinished(result.finishedAt(), result.status(), result.rowsChanged(),
                result.failure() == null ? null : result.failure().describe()));
    }

    /** The rescue plan: what each statement saved (for a rehearsal: would save) and how the run would be reversed. */
    void printRescue(RunResult result) {
        RunResult.Rescue rescue = result.rescue();
        if (rescue == null || !started) {
            return;
        }
        if (rescue.none() != null) {
            out.println(indent + "Rescue: none, the script runs without a way back: " + rescue.none());
        } else {
            out.println(indent + "Rescue: reversal " + ("script".equals(rescue.reversal())
                    ? "by the script's own -- @revert section" : "generated from the rescue tables")
                    + (rescue.expiresAt() == null ? "" : "; rescue tables kept until " + rescue.expiresAt()));
        }
        for (RunResult.RescueCapture capture : rescue.captures()) {
            out.println(indent + "  #" + capture.statement() + " (line " + capture.line() + ") " + capture.kind() + " "
                    + capture.table() + ": " + capture.rowsCaptured() + (capture.kind() == StatementKind.INSERT
                    ? " inserted key(s)" : " row(s) as they were") + " saved in " + capture.rescueTable()
                    + ", key " + String.join(", ", capture.keyColumns()));
        }
        out.flush();
    }
}
