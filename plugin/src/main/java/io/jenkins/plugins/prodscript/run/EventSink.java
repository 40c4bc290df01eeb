package io.jenkins.plugins.prodscript.run;

import io.prodscript.engine.execution.RunEvent;
import io.prodscript.engine.execution.RunListener;
import io.prodscript.engine.execution.StatementResult;
import io.prodscript.engine.report.Json;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Receives the engine's events on the agent: one readable line each in the build log, one JSON line each in the
 * event log that is archived as {@code prodscript/events.jsonl}.
 *
 * <p>It never throws into the engine: an exception from a listener after the commit would make the engine report a
 * committed run as failed. Trouble is remembered and reported after the run instead. When the build log stops
 * accepting output (the agent lost the controller), the run is cancelled, so nothing commits that nobody sees.
 */
final class EventSink implements RunListener, Closeable {
    private final PrintStream console;
    private final Writer events;
    private final List<String> summary = new ArrayList<>();
    private volatile Runnable onLostConsole = () -> { };
    private String problem;

    private EventSink(PrintStream console, Writer events) {
        this.console = console;
        this.events = events;
    }

    /** Appends to {@code eventsFile}: a rehearsal and the run that follows share one event log. */
    static EventSink open(Path eventsFile, PrintStream console) throws IOException {
        Files.createDirectories(eventsFile.getParent());
        return new EventSink(console, Files.newBufferedWriter(eventsFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    /** What to do when the build log can no longer be written. */
    void onLostConsole(Runnable action) {
        this.onLostConsole = action;
    }

    @Override
    public void on(RunEvent event) {
        String line = event.describe();
        console.println(line);
        if (event instanceof RunEvent.StatementFinished finished) {
            summary.add(summaryOf(finished.result()));
        } else if (!(event instanceof RunEvent.StatementStarted) && !(event instanceof RunEvent.RunStarted)) {
            summary.add(line);
        }
        try {
            events.write(Json.line(event));
            events.write('\n');
            events.flush();
        } catch (IOException | RuntimeException e) {
            if (problem == null) {
                problem = "the event log could not be written: " + e.getClass().getSimpleName();
                console.println("WARNING: " + problem);
            }
        }
        if (console.checkError()) {
            onLostConsole.run();
        }
    }

    /**
     * A statement's line for approvers and the build page: what it touched and how many rows, without the timing the
     * console shows (it differs between rehearsal and run and says nothing about what is approved).
     */
    static String summaryOf(StatementResult result) {
        return "#" + result.number() + " (line " + result.line() + ") " + result.kind()
                + (result.tables().isEmpty() ? "" : " " + String.join(", ", result.tables())) + ": " + result.rows()
                + " row(s)";
    }

    /** The events worth showing approvers, as printed. */
    List<String> summary() {
        return List.copyOf(summary);
    }

    /** Why the event log is incomplete, or null. */
    String problem() {
        return problem;
    }

    @Override
    public void close() throws IOException {
        events.close();
    }
}
