package io.prodscript.engine;

import java.util.OptionalInt;

/**
 * The engine will not do what was asked, and has changed nothing. The message is written for the person who
 * asked; when the reason is a place in the script, {@link #line()} names it.
 */
public class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Integer line;

    public Refusal(String message) {
        this(message, null);
    }

    public Refusal(String message, Integer line) {
        super(line == null ? message : "line " + line + ": " + message);
        this.line = line;
    }

    /** The script line the refusal is about, when there is one. */
    public OptionalInt line() {
        return line == null ? OptionalInt.empty() : OptionalInt.of(line);
    }
}
