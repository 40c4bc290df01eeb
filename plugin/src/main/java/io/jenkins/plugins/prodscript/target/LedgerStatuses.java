package io.jenkins.plugins.prodscript.target;

import io.prodscript.engine.ledger.LedgerSchema;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ledger version last seen on each target from this controller, so the configuration page can say whether the
 * ledger is installed without connecting to every target while it renders. Kept in memory only: after a restart the
 * page says it has not been checked, and <em>Test connection</em> checks.
 */
final class LedgerStatuses {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());
    private static final Map<String, Seen> SEEN = new ConcurrentHashMap<>();

    private record Seen(int version, String how, Instant when) {
    }

    private LedgerStatuses() {
    }

    /** Records the version {@code how} saw on target {@code name} (-1: none installed). */
    static void seen(String name, int version, String how) {
        SEEN.put(name, new Seen(version, how, Instant.now()));
    }

    /** The target's ledger in words, with when and how it was seen. */
    static String describe(String name) {
        Seen seen = SEEN.get(name);
        if (seen == null) {
            return "Not checked since Jenkins started: press Test connection.";
        }
        return describeVersion(seen.version()) + " (seen by " + seen.how() + ", " + WHEN.format(seen.when()) + ")";
    }

    /** A ledger version in words, saying what to do when runs would be refused. */
    static String describeVersion(int version) {
        if (version == LedgerSchema.VERSION) {
            return "Ledger installed, version " + version + ".";
        }
        if (version < 0) {
            return "Ledger not installed: runs are refused until an administrator presses Prepare target.";
        }
        if (version < LedgerSchema.VERSION) {
            return "Ledger version " + version + " is older than the version " + LedgerSchema.VERSION
                    + " this plugin needs: runs are refused until an administrator presses Prepare target.";
        }
        return "Ledger version " + version + " is newer than the version " + LedgerSchema.VERSION
                + " this plugin knows: update the plugin.";
    }
}
