package io.prodscript.engine.execution;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunResult(String runId, Mode mode, RunStatus status, String scriptPath, String checksum, String commit,
                        String target, String requestedBy, Instant startedAt, Instant finishedAt,
                        List<StatementResult> statements, List<CheckResult> checks, Failure failure, List<String> notices) {
    public RunResult {
        statements = List.copyOf(statements);
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
}
