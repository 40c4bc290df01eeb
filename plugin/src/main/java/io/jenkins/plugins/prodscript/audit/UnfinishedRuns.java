package io.jenkins.plugins.prodscript.audit;

import hudson.ExtensionList;
import hudson.ExtensionPoint;
import hudson.model.Run;

/**
 * What to do with a build loaded from disk whose script run was left running or of unknown outcome: the build itself
 * is over (Jenkins restarted, or died, while it ran or while its outcome was being read), so its record must not say
 * RUNNING or UNKNOWN for ever. Implemented where the target's ledger can be read.
 */
public interface UnfinishedRuns extends ExtensionPoint {
    /** Called once per load of such a build, for its run {@code runId}. */
    void reconcile(Run<?, ?> build, String runId);

    /** Hands the run to every implementation. */
    static void reconcileAll(Run<?, ?> build, String runId) {
        for (UnfinishedRuns handler : ExtensionList.lookup(UnfinishedRuns.class)) {
            handler.reconcile(build, runId);
        }
    }
}
