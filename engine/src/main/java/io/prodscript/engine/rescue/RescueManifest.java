package io.prodscript.engine.rescue;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.prodscript.engine.plan.StatementKind;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a committed run saved to be undone, without the saved data: which tables hold it, how rows are identified,
 * how many there are and when they expire. It holds no row values except the smallest and largest key of each rescue
 * table (keys identify rows; they are not what a row says), so it can be archived as a build artifact. Its JSON form
 * is documented in {@code docs/rescue.md}; {@link #VERSION} changes whenever a field changes meaning or goes away.
 *
 * @param manifestVersion the format's version, {@value #VERSION}
 * @param runId           the run
 * @param scriptPath      the script's path in its checkout
 * @param checksum        the script's SHA-256
 * @param target          the target's name
 * @param transactionId   the run's transaction id ({@code pg_current_xact_id()}); rows it last wrote carry it in
 *                        {@code xmin}, which is how a reversal notices rows changed after the run
 * @param rescueNone      the script's {@code @rescue none} reason, or null
 * @param reversal        {@code generated}, {@code script} or {@code none} (see {@code RunResult.Rescue})
 * @param statements      every statement that changed or could change data, in order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RescueManifest(int manifestVersion, String runId, String scriptPath, String checksum, String target,
                             String transactionId, String rescueNone, String reversal, List<Entry> statements) {
    public static final int VERSION = 1;
    /** {@link #reversal()}: the engine generates the reversal from the rescue tables. */
    public static final String GENERATED = "generated";
    /** {@link #reversal()}: the reversal is the script's own {@code @revert} section. */
    public static final String SCRIPT = "script";
    /** {@link #reversal()}: the run has no way back ({@code @rescue none}). */
    public static final String NONE = "none";

    public RescueManifest {
        statements = List.copyOf(statements);
    }

    /** The first statement saving into each rescue table, in statement order (consecutive statements share one). */
    List<Entry> rescueTables() {
        Set<String> seen = new HashSet<>();
        return statements.stream().filter(e -> e.saved() && seen.add(e.rescueTable())).toList();
    }

    /** How many statements saved into the given rescue table. */
    long statementsSavingInto(String rescueTable) {
        return statements.stream().filter(e -> rescueTable.equals(e.rescueTable())).count();
    }

    /**
     * One statement of the run.
     *
     * @param number       its number in the script
     * @param line         its line
     * @param kind         what it is
     * @param table        the table it writes: schema-qualified when saved, as written otherwise
     * @param rowsAffected the rows it inserted, updated or deleted
     * @param rescueTable  the table holding what was saved ({@code rescue.…}), or null when nothing was
     * @param keyColumns   the columns identifying a row, or null
     * @param rowsCaptured how many rows the rescue table holds, or null
     * @param minKey       the smallest saved key as text ({@code (a,b)} for a composite key), or null
     * @param maxKey       the largest saved key as text, or null
     * @param expiresAt    when cleanup may drop the rescue table, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(int number, int line, StatementKind kind, String table, long rowsAffected, String rescueTable,
                        List<String> keyColumns, Long rowsCaptured, String minKey, String maxKey, Instant expiresAt) {
        /** Whether a rescue table holds what this statement changed. */
        boolean saved() {
            return rescueTable != null;
        }

        /** The bare rescue table name, without the schema. */
        String rescueTableName() {
            return rescueTable.substring(RescueTableNames.SCHEMA.length() + 1);
        }
    }
}
