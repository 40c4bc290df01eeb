package io.prodscript.engine.rescue;

import io.prodscript.engine.sql.Identifiers;
import io.prodscript.engine.script.ScriptReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names rescue tables so an operator can tell at a glance whose they are: {@code r_<run>_s<statement>_<table>}, e.g.
 * {@code r_3f9c2a1b_s2_accounts}: the first eight letters and digits of the run id, the statement number and the
 * table's name. Names use only lower-case letters, digits and underscores, and fit PostgreSQL's 63-byte limit (the
 * table part is shortened when needed); the table's comment and the manifest carry the full details.
 */
final class RescueTableNames {
    /** The last column of every rescue table: the number of the statement that saved the row. */
    static final String STATEMENT_COLUMN = "prodscript_statement";

    private static final int MAX_BYTES = 63;
    private static final int RUN_ID_LENGTH = 8;
    private static final Pattern PLAIN_NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private RescueTableNames() {
    }

    /** The bare name (without schema) of the rescue table for one statement of a run. */
    static String name(String runId, int statement, String table) {
        String prefix = "r_" + shortRunId(runId) + "_s" + statement + "_";
        String tablePart = plain(table);
        if (tablePart.isEmpty()) {
            tablePart = "table";
        }
        return prefix + tablePart.substring(0, Math.min(tablePart.length(), MAX_BYTES - prefix.length()));
    }

    /** The rescue table's name with its schema, as SQL and the manifest write it. */
    static String qualified(String schema, String name) {
        return quoted(schema) + "." + name;
    }

    /** A schema name as SQL writes it: bare when it is a plain lower-case name, quoted otherwise. */
    static String quoted(String schema) {
        return PLAIN_NAME.matcher(schema).matches() ? schema : Identifiers.quote(schema);
    }

    /**
     * The run id's first eight letters and digits, lower-cased (a UUID's first group); a run id with fewer of them is
     * replaced by the start of its SHA-256, so every run gets eight characters.
     */
    static String shortRunId(String runId) {
        String lower = runId.toLowerCase(Locale.ROOT);
        StringBuilder plain = new StringBuilder(RUN_ID_LENGTH);
        for (int i = 0; i < lower.length() && plain.length() < RUN_ID_LENGTH; i++) {
            char c = lower.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                plain.append(c);
            }
        }
        if (plain.length() == RUN_ID_LENGTH) {
            return plain.toString();
        }
        return ScriptReader.sha256(runId.getBytes(StandardCharsets.UTF_8)).substring(0, RUN_ID_LENGTH);
    }

    /**
     * The name in lower case with each run of other characters than letters, digits and underscores made one
     * underscore, and no underscore at either end. Written as a loop, not with regular expressions: it names a rescue
     * table for every statement of a run, ten thousand times for a script of ten thousand statements.
     */
    private static String plain(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        StringBuilder plain = new StringBuilder(lower.length());
        boolean inRun = false;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
                plain.append(c);
                inRun = false;
            } else if (!inRun) {
                plain.append('_');
                inRun = true;
            }
        }
        int start = 0;
        int end = plain.length();
        while (start < end && plain.charAt(start) == '_') {
            start++;
        }
        while (end > start && plain.charAt(end - 1) == '_') {
            end--;
        }
        return plain.substring(start, end);
    }
}
