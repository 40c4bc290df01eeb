package io.prodscript.engine.sql;

/** SQL identifiers the engine writes into SQL it generates. */
public final class Identifiers {
    private Identifiers() {
    }

    /** The name as a quoted identifier ({@code "a""b"}): always safe, whatever the name contains, and exact in case. */
    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
