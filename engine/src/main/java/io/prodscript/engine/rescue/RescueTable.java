package io.prodscript.engine.rescue;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;

/**
 * One rescue table as the ledger records it.
 *
 * @param name        the table, {@code rescue.r_…}
 * @param runId       the run that filled it
 * @param statement   the statement whose changes it holds
 * @param sourceTable the table those changes were made to
 * @param expiresAt     when its retention ends; cleanup drops it then, once its notice is old enough
 * @param noticeGivenAt when its coming expiry was first announced
 *                      ({@link io.prodscript.engine.ScriptEngine#announceExpiringRescueTables}), or null while it
 *                      has not been
 * @param droppedAt     when cleanup dropped it, or null while it exists
 * @param droppedBy     who ran that cleanup, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RescueTable(String name, String runId, int statement, String sourceTable, Instant expiresAt,
                          Instant noticeGivenAt, Instant droppedAt, String droppedBy) {
    /**
     * The earliest moment cleanup that demands {@code minimumNotice} may drop this table: its expiry, or the end of
     * the notice when that comes later; null while no notice has been given (it cannot be dropped then).
     */
    public Instant droppableFrom(Duration minimumNotice) {
        if (noticeGivenAt == null) {
            return null;
        }
        Instant noticeEnds = noticeGivenAt.plus(minimumNotice);
        return noticeEnds.isAfter(expiresAt) ? noticeEnds : expiresAt;
    }
}
