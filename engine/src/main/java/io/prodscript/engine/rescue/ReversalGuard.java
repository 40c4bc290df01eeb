package io.prodscript.engine.rescue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.execution.Failure;
import io.prodscript.engine.execution.RunSession;
import io.prodscript.engine.ledger.Ledger;
import java.sql.SQLException;
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
        Map<String, Long> conflicts = ConflictCheck.count(session, run.manifest());
        if (conflicts.isEmpty() || force) {
            return Optional.empty();
        }
        String counts = conflicts.entrySet().stream().map(e -> e.getValue() + " row(s) of " + e.getKey())
                .collect(Collectors.joining(", "));
        return Optional.of(new Failure(null, null, counts + " changed after run " + reversedRunId
                + "; the reversal would overwrite those changes. Review them, then force the reversal to overwrite them"));
    }

    void markReverted(Handle handle) throws SQLException {
        if (!new Ledger(handle).markReverted(reversedRunId)) {
            throw new SQLException("run " + reversedRunId + " is no longer committed: another reversal got there first");
        }
    }
}
