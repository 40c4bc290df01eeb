package io.prodscript.engine.rescue;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One rescue table as the ledger records it.
 *
 * @param name        the table, {@code rescue.r_…}
 * @param runId       the run that filled it
 * @param statement   the statement whose changes it holds
 * @param sourceTable the table those changes were made to
 * @param expiresAt   when cleanup may drop it
 * @param droppedAt   when cleanup dropped it, or null while it exists
 * @param droppedBy   who ran that cleanup, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RescueTable(String name, String runId, int statement, String sourceTable, Instant expiresAt,
                          Instant droppedAt, String droppedBy) {
}
