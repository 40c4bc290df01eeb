package io.jenkins.plugins.prodscript.history;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Run;
import java.util.Collection;
import java.util.List;
import jenkins.model.TransientActionFactory;

/** Offers {@link RevertRunAction} on builds whose script run committed changes, where the job can start a revert. */
@Extension
@SuppressWarnings("rawtypes") // registered for the raw Run type, as core matches factories by class
public final class RevertRunActionFactory extends TransientActionFactory<Run> {
    @Override
    public Class<Run> type() {
        return Run.class;
    }

    @Override
    public Class<? extends Action> actionType() {
        return RevertRunAction.class;
    }

    @NonNull
    @Override
    public Collection<? extends Action> createFor(@NonNull Run target) {
        Run<?, ?> run = target;
        // Whether a later build already reverted it is not looked up: that would load newer builds on every page
        // view. The target's ledger marks a reverted run, so the engine is the place that knows for sure.
        return ScriptRunRow.of(run, runId -> null).filter(ScriptRunRow::isRevertible).filter(row -> canStart(run, row))
                .map(row -> List.of(new RevertRunAction(run, row)))
                .orElse(List.of());
    }

    /**
     * Whether the job could be told to revert: it defines the revert parameters and accepts this run's values (a
     * Pipeline without them, or a job no longer offering the target, would only fail after the click).
     */
    private static boolean canStart(Run<?, ?> run, ScriptRunRow row) {
        try {
            RevertParameters.forRevertOf(run, row, false);
            return true;
        } catch (AbortException | IllegalArgumentException e) {
            return false;
        }
    }
}
