package io.prodscript.engine.execution;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.prodscript.engine.containment.FiringTrigger;
import io.prodscript.engine.plan.StatementKind;
import java.time.Instant;
import java.util.List;

/**
 * The result of one run or rehearsal: the value the CLI prints, the plugin archives and the ledger stores. Its JSON
 * form (see {@code docs/run-result.md}) has stable field names.
 *
 * @param runId       the run's id
 * @param mode        rehearse or run
 * @param status      how it ended
 * @param scriptPath  the script's path relative to the checkout
 * @param checksum    SHA-256 of the script
 * @param commit      the source commit, or null
 * @param target      the target's name
 * @param requestedBy who asked for it
 * @param startedAt   when it started
 * @param finishedAt  when it ended
 * @param statements  what each statement that ran did, in order (up to the failing one)
 * @param checks      the outcome of each {@code @expect-rows} and {@code @assert}
 * @param failure     why it failed, was cancelled or refused; null when it succeeded
 * @param notices     things the operator should know that did not stop the run (e.g. an interrupted earlier run)
 * @param rescue      what was saved to undo the run (for a rehearsal: what a run would save), or null when the engine
 *                    runs without rescue
 * @param triggers    the user triggers the script's writes fire, each with the script's {@code @triggers-fire} reason
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(value = {"rowsChanged", "durationMillis"}, allowGetters = true)
public record RunResult(String runId, Mode mode, RunStatus status, String scriptPath, String checksum, String commit,
                        String target, String requestedBy, Instant startedAt, Instant finishedAt,
                        List<StatementResult> statements, List<CheckResult> checks, Failure failure, List<String> notices,
                        Rescue rescue, List<FiringTrigger> triggers) {
    public RunResult {
        statements = List.copyOf(statements);
        triggers = triggers == null ? List.of() : List.copyOf(triggers);
        checks = List.copyOf(checks);
        notices = List.copyOf(notices);
    }


    @JsonIgnore
    public boolean succeeded() {
        return status.succeeded();
    }

    /** Rows inserted, updated and deleted by all statements. */
    @JsonProperty
    public long rowsChanged() {
        return statements.stream().filter(s -> s.kind().changesRows()).mapToLong(StatementResult::rows).sum();
    }

    @JsonProperty
    public long durationMillis() {
        return finishedAt.toEpochMilli() - startedAt.toEpochMilli();
    }

    /**
     * How a run can be undone (see {@code docs/rescue.md}).
     *
     * @param none      the script's {@code @rescue none} reason when it runs without a way back, else null
     * @param reversal  {@code generated} (from the rescue tables), {@code script} (the script's own {@code @revert}
     *                  section) or {@code none}
     * @param expiresAt when the rescue tables expire, or null when there are none
     * @param captures  what each statement saved, in statement order
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rescue(String none, String reversal, Instant expiresAt, List<RescueCapture> captures) {
        public Rescue {
            captures = List.copyOf(captures);
        }
    }

    /**
     * What one statement saved: the rows an UPDATE or DELETE changed, or the keys of the rows an INSERT added.
     *
     * @param statement    the statement's number
     * @param line         its line in the script
     * @param kind         INSERT, UPDATE or DELETE
     * @param table        the table it writes, schema-qualified
     * @param rescueTable  the table holding what was saved, schema-qualified
     * @param keyColumns   the columns that identify a row of {@code table}
     * @param rowsCaptured how many rows were saved
     * @param reachedThrough for rows the statement changes in another table through a foreign key (a cascade), that
     *                     constraint and its action; null for the statement's own rows
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RescueCapture(int statement, int line, StatementKind kind, String table, String rescueTable,
                                List<String> keyColumns, long rowsCaptured, String reachedThrough) {
        public RescueCapture {
            keyColumns = List.copyOf(keyColumns);
        }
    }
}
