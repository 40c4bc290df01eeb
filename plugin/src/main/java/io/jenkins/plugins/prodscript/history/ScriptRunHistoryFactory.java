package io.jenkins.plugins.prodscript.history;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Job;
import java.util.Collection;
import java.util.List;
import jenkins.model.TransientActionFactory;

/** Gives every job a {@link ScriptRunHistoryAction}; it costs nothing until someone opens it. */
@Extension
@SuppressWarnings("rawtypes") // the factory is registered for the raw Job type, as core matches factories by class
public final class ScriptRunHistoryFactory extends TransientActionFactory<Job> {
    @Override
    public Class<Job> type() {
        return Job.class;
    }

    /** Declared so that looking up other action types on a job never calls this factory. */
    @Override
    public Class<? extends Action> actionType() {
        return ScriptRunHistoryAction.class;
    }

    @NonNull
    @Override
    public Collection<? extends Action> createFor(@NonNull Job target) {
        return List.of(new ScriptRunHistoryAction((Job<?, ?>) target));
    }
}
