package io.jenkins.plugins.prodscript.audit;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How long values are shown to people in tables: enough characters to tell them apart, the full value kept for hover
 * and copy by the page. One place, so every page shortens the same way.
 */
public final class ShortForm {
    static final int CHECKSUM_CHARS = 12;
    static final int COMMIT_CHARS = 10;
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private ShortForm() {
    }

    /** The first 12 characters of a SHA-256; empty for null. */
    public static String checksum(@CheckForNull String checksum) {
        return prefix(checksum, CHECKSUM_CHARS);
    }

    /** The first 10 characters of a commit id, as Git shows them; empty for null. */
    public static String commit(@CheckForNull String commit) {
        return prefix(commit, COMMIT_CHARS);
    }

    /** A moment as people read it in a table, to the minute, in UTC: {@code 2026-05-04 13:07 UTC}. */
    public static String dateTime(long epochMillis) {
        return DATE_TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    private static String prefix(@CheckForNull String value, int length) {
        if (value == null) {
            return "";
        }
        return value.length() > length ? value.substring(0, length) : value;
    }
}
