package io.prodscript.engine.rescue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.execution.Failure;
import io.prodscript.engine.execution.RunSession;
import io.prodscript.engine.ledger.Ledger;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Guards a reversal run, inside its transaction: the reversed run must still be reversible, and rows changed since
 * it refuse the reversal unless it is forced. As the reversal commits, the reversed run is marked {@code reverted},
 * which also refuses any second reversal.
 */
final class ReversalGuard {
    private final String reversedRunId;
    private final boolean force;

    ReversalGuard(String reversedRunId, boolean force) {
        this.reversedRunId = reversedRunId;
        this.force = force;
    }

    Optional<Failure> check(RunSession session) throws SQLException {
        ReversibleRun run;
        try {
            run = ReversibleRun.load(session.handle(), reversedRunId);
        } catch (Refusal refusal) {
            return Optional.of(new Failure(null, null, refusal.getMessage()));
        }
        if (run.tablesUnreadable() != null) {
            // Only a reversal by the script's own section gets here: it needs no rescue table, but without them rows
            // changed since the run cannot be found, so only a forced reversal goes ahead.
            return force ? Optional.empty() : Optional.of(new Failure(null, null, run.tablesUnreadable()
                    + ". The script's own -- @revert section needs no rescue table, but without them the rows changed"
                    + " since the run cannot be checked; force the reversal to run the section anyway"));
        }
        List<String> taken = ConflictCheck.takenUniqueValues(session, run.manifest());
        if (!taken.isEmpty()) {
            // Not even a forced reversal could put these rows back: say so before anything changes.
            return Optional.of(new Failure(null, null, String.join(", ", taken) + " by run " + reversedRunId
                    + " cannot be put back: a unique value the reversal would write is held now by another row, written"
                    + " after the run, so PostgreSQL would refuse it, forced or not. Free those values (or undo by hand),"
                    + " then reverse"));
        }
        Map<String, Long> conflicts = ConflictCheck.count(session, run.manifest());
        Map<String, Long> dependents = ConflictCheck.dependents(session, run.manifest());
        if (conflicts.isEmpty() && dependents.isEmpty() || force) {
            return Optional.empty();
        }
        String changed = conflicts.isEmpty() ? "" : conflicts.entrySet().stream()
                .map(e -> e.getValue() + " row(s) of " + e.getKey()).collect(Collectors.joining(", "))
                + " changed after run " + reversedRunId + "; the reversal would overwrite those changes. ";
        String referring = dependents.isEmpty() ? "" : dependents.entrySet().stream()
                .map(e -> e.getValue() < 0 ? e.getKey() + " (which this login cannot read)" : e.getValue() + " row(s) of " + e.getKey())
                .collect(Collectors.joining(", "))
                + " refer to rows run " + reversedRunId + " inserted and the reversal deletes; their foreign key would"
                + " delete or change them (unsaved) or make the reversal fail. ";
        return Optional.of(new Failure(null, null, changed + referring
                + "Review them, then force the reversal to go ahead anyway"));
    }

    void markReverted(Handle handle) throws SQLException {
        if (!new Ledger(handle).markReverted(reversedRunId)) {
            throw new SQLException("run " + reversedRunId + " is no longer committed: another reversal got there first");
        }
    }
}
