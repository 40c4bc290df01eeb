package io.prodscript.engine.rescue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.ledger.Ledger;
import io.prodscript.engine.ledger.LedgerEntry;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * A committed run that can still be undone, loaded from the ledger; loading refuses, in words for the operator, any
 * run that cannot be.
 *
 * @param manifest          what the run saved
 * @param revertSql         the script's own {@code @revert} section, or null
 * @param tablesUnreadable  why this login cannot read the run's rescue tables (gone, or another login's), or null when
 *                          it can: a reversal by the script's own section needs none, but the check for rows changed
 *                          since the run reads them
 */
record ReversibleRun(RescueManifest manifest, String revertSql, String tablesUnreadable) {

    /**
     * @throws Refusal when the run is unknown, did not commit, was already reverted, ran without rescue or without a
     *                 way back, or (for a generated reversal) its rescue tables are gone or belong to another
     *                 login
     */
    static ReversibleRun load(Handle handle, String runId) {
        LedgerEntry run = new Ledger(handle).find(runId)
                .orElseThrow(() -> new Refusal("run " + runId + " is not in the ledger of this database"));
        if (run.status().equals("reverted")) {
            throw new Refusal("run " + runId + " was already reverted" + reversalOf(handle, runId).map(r -> " by run " + r).orElse(""));
        }
        if (!run.status().equals("committed") || !run.mode().equals("run")) {
            throw new Refusal("run " + runId + " changed nothing to reverse: it is a " + run.mode() + " that ended " + run.status());
        }
        RescueRegistry registry = new RescueRegistry(handle);
        RescueManifest manifest = registry.manifest(runId).orElseThrow(() -> new Refusal("run " + runId
                + " has no rescue manifest: it ran without rescue, so the engine cannot reverse it"));
        if (manifest.reversal().equals(RescueManifest.NONE)) {
            throw new Refusal("run " + runId + " ran without a way back (@rescue none: " + manifest.rescueNone() + ")");
        }
        String revertSql = registry.revertSql(runId).orElse(null);
        String unreadable = unreadableTables(handle, registry.tablesOf(runId), runId);
        if (revertSql == null && unreadable != null) {
            throw new Refusal(unreadable);
        }
        return new ReversibleRun(manifest, revertSql, unreadable);
    }

    /** Why this login cannot read the run's rescue tables, in words for the operator; null when it can. */
    private static String unreadableTables(Handle handle, List<RescueTable> tables, String runId) {
        for (RescueTable table : tables) {
            if (table.droppedAt() != null) {
                return "run " + runId + " can no longer be reversed from its rescue tables: they expired on "
                        + table.expiresAt() + " and cleanup dropped them on " + table.droppedAt();
            }
            // Only the login whose run created a rescue table (or a member of its role) may read it: it holds
            // production rows. Another login is told whose it is instead of meeting "permission denied" midway; one
            // granted SELECT all the same sees no row through the table's row-level security (no policy), and its
            // reversal would restore nothing, so reading the table is not enough: row security must not apply to it.
            Optional<String> unreadableOwner = handle.createQuery("""
                            SELECT CASE WHEN has_table_privilege(c.oid, 'SELECT') AND NOT row_security_active(c.oid) THEN ''
                                        ELSE pg_get_userbyid(c.relowner) END
                              FROM pg_class c WHERE c.oid = to_regclass(:name)""")
                    .bind("name", table.name()).mapTo(String.class).findOne();
            if (unreadableOwner.isEmpty()) {
                return "run " + runId + " can no longer be reversed from its rescue tables: " + table.name()
                        + " no longer exists (dropped outside the engine)";
            }
            if (!unreadableOwner.get().isEmpty()) {
                return "run " + runId + " saved its rows in " + table.name() + ", which only login "
                        + unreadableOwner.get() + " (the login that ran it) and members of its role that inherit its"
                        + " privileges may read; generate and run the reversal as that login";
            }
        }
        return null;
    }

    private static Optional<String> reversalOf(Handle handle, String runId) {
        return handle.createQuery("SELECT run_id FROM script_runner.runs WHERE reverts_run_id = :id AND status = 'committed'")
                .bind("id", runId).mapTo(String.class).findFirst();
    }
}
