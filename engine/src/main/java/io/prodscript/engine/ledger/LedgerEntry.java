package io.prodscript.engine.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One row of the ledger ({@code script_runner.runs}): a run or rehearsal as the target database remembers it.
 *
 * @param runId        the run's id
 * @param scriptPath   the script's path relative to its checkout
 * @param checksum     SHA-256 of the script
 * @param commit       the source commit, or null
 * @param target       the target's name
 * @param requestedBy  who asked for it
 * @param mode         {@code rehearse} or {@code run}
 * @param status       {@code running}, {@code committed}, {@code rehearsed}, {@code failed}, {@code cancelled},
 *                     {@code refused}, {@code interrupted}, or {@code reverted} (committed, then undone by a reversal)
 * @param forced       whether it was forced past an earlier application of the same script
 * @param startedAt    when it started
 * @param finishedAt   when it ended, or null while running
 * @param rowsChanged  rows inserted, updated and deleted
 * @param failure      why it failed, or null
 * @param revertsRunId the run this one reverses, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LedgerEntry(String runId, String scriptPath, String checksum, String commit, String target,
                          String requestedBy, String mode, String status, boolean forced, Instant startedAt,
                          Instant finishedAt, long rowsChanged, String failure, String revertsRunId) {
}
