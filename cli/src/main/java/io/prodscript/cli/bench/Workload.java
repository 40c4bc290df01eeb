package io.prodscript.cli.bench;

import java.util.Random;
import java.util.StringJoiner;

/** The scripts the benchmark runs, the same text for psql and for the engine. */
final class Workload {
    private Workload() {
    }

    /** Changes every row with {@code grp = 0}: half the table. */
    static String updateHalf() {
        return "UPDATE bench SET v = v + 1, note = 'changed' WHERE grp = 0;";
    }

    /** Deletes every row with {@code grp = 0}: half the table. */
    static String deleteHalf() {
        return "DELETE FROM bench WHERE grp = 0;";
    }

    /** Changes the first {@code rows} rows: the heap measurement's workload. */
    static String updateFirst(long rows) {
        return "UPDATE bench SET v = v + 1 WHERE id <= " + rows + ";";
    }

    /** {@code count} single-row UPDATEs of distinct random rows among {@code rows}, one statement each. */
    static String singleRowUpdates(int count, long rows) {
        Random random = new Random(42);
        StringJoiner script = new StringJoiner("\n");
        random.longs(1, rows + 1).distinct().limit(count)
                .forEach(id -> script.add("UPDATE bench SET v = v + 1 WHERE id = " + id + ";"));
        return script.toString();
    }
}
