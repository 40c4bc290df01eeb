package io.prodscript.engine.rescue;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.prodscript.engine.containment.FiringTrigger;
import io.prodscript.engine.plan.StatementKind;
import io.prodscript.engine.script.Directives;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a committed run saved to be undone, without the saved data: which tables hold it, how rows are identified,
 * how many there are and when they expire. It holds no row values (the only values it may quote are the smallest and
 * largest of a one-column integer key, which number rows without describing them), so it can be archived as a build
 * artifact. Its JSON form
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
 * @param statements      every statement that changed or could change data, in order, each followed by the rows its
 *                        foreign keys reached in other tables (cascades)
 * @param triggers        the user triggers the run's writes fired, with the script's reasons
 * @param functionsReviewed the script's {@code @functions-reviewed} acknowledgements, which its {@code -- @revert}
 *                        section runs under when it reverses the run
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RescueManifest(int manifestVersion, String runId, String scriptPath, String checksum, String target,
                             String transactionId, String rescueNone, String reversal, List<Entry> statements,
                             List<FiringTrigger> triggers, List<Directives.Acknowledgement> functionsReviewed) {
    public static final int VERSION = 2;
    /** {@link #reversal()}: the engine generates the reversal from the rescue tables. */
    public static final String GENERATED = "generated";
    /** {@link #reversal()}: the reversal is the script's own {@code @revert} section. */
    public static final String SCRIPT = "script";
    /** {@link #reversal()}: the run has no way back ({@code @rescue none}). */
    public static final String NONE = "none";

    public RescueManifest {
        statements = List.copyOf(statements);
        triggers = triggers == null ? List.of() : List.copyOf(triggers);
        functionsReviewed = functionsReviewed == null ? List.of() : List.copyOf(functionsReviewed);
    }

    /** The first statement saving into each rescue table, in statement order (consecutive statements share one). */
    List<Entry> rescueTables() {
        Set<String> seen = new HashSet<>();
        return statements.stream().filter(e -> e.saved() && seen.add(e.rescueTable())).toList();
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
     * @param minKey       the smallest saved key, only for a one-column integer key (a surrogate key says nothing
     *                     about a row) and when the run read it or its rescue table holds at most
     *                     {@link RunCapture#KEY_RANGE_PASS_LIMIT} rows; null otherwise
     * @param maxKey       the largest saved key, likewise
     * @param expiresAt    when cleanup may drop the rescue table, or null
     * @param assignedColumns for an UPDATE (or a foreign key's SET NULL / SET DEFAULT), the columns it assigned: the
     *                     only ones a reversal puts back; null for other kinds
     * @param reachedThrough for rows a statement changed in another table through a foreign key, that constraint
     *                     ({@code constraint children_parent_id_fkey of public.children}); null for the statement's own
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(int number, int line, StatementKind kind, String table, long rowsAffected, String rescueTable,
                        List<String> keyColumns, Long rowsCaptured, String minKey, String maxKey, Instant expiresAt,
                        List<String> assignedColumns, String reachedThrough) {
        /** Whether a rescue table holds what this statement changed. */
        boolean saved() {
            return rescueTable != null;
        }
    }
}
