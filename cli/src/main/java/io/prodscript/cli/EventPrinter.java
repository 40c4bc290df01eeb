package io.prodscript.cli;

import io.prodscript.engine.execution.RunEvent;
import io.prodscript.engine.execution.RunListener;
import io.prodscript.engine.execution.RunResult;
import java.io.PrintWriter;

/** Prints a run's events as they happen, one line each. */
final class EventPrinter implements RunListener {
    private final PrintWriter out;
    private final String indent;
    private boolean endPrinted;

    EventPrinter(PrintWriter out, String indent) {
        this.out = out;
        this.indent = indent;
    }

    @Override
    public void on(RunEvent event) {
        out.println(indent + event.describe());
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
        if (!endPrinted) {
            on(new RunEvent.RunFinished(result.finishedAt(), result.status(), result.rowsChanged(),
                    result.failure() == null ? null : result.failure().describe()));
        }
    }
}
