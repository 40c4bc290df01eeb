package io.prodscript.engine.rescue;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Drops rescue tables whose retention has passed and whose coming expiry was announced long enough ago, and records
 * each drop in the ledger. The runs they belonged to can no longer be reversed, and say so. Notice is given by
 * {@link RescueRegistry#announceExpiringBy}, which records when; a table never announced is never dropped.
 */
public final class RescueCleanup {
    private RescueCleanup() {
    }

    /**
     * Drops every rescue table that expired at or before {@code now} and was announced at least {@code minimumNotice}
     * before {@code now}, in one transaction.
     *
     * @return the tables dropped
     */
    public static List<RescueTable> dropExpired(Handle handle, Instant now, Duration minimumNotice, String requestedBy)
            throws SQLException {
        return handle.inTransaction(h -> {
            // A rescue table being read (say, by an operator comparing rows) must not hold cleanup up indefinitely.
            h.execute("SELECT set_config('lock_timeout', '5s', true)");
            RescueRegistry registry = new RescueRegistry(h);
            List<RescueTable> expired = registry.droppable(now, now.minus(minimumNotice));
            for (RescueTable table : expired) {
                Sql.execute(h, "DROP TABLE IF EXISTS " + table.name());
                registry.markDropped(table, now, requestedBy);
            }
            return expired;
        });
    }
}
