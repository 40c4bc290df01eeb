package io.jenkins.plugins.prodscript.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.ExtensionPoint;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;

/**
 * Where the commit a script was read from can be found. SCM plugins record it differently; each source knows one way,
 * and the first that knows wins. Unknown is allowed: the ledger then records no commit.
 */
public abstract class CommitSource implements ExtensionPoint {
    /** The commit of the checkout {@code run} made, or null when this source cannot tell. */
    protected abstract @CheckForNull String commitOf(Run<?, ?> run, EnvVars environment);

    /** The commit of {@code run}'s checkout, or null when no source knows it. */
    public static @CheckForNull String find(Run<?, ?> run, TaskListener listener) throws IOException, InterruptedException {
        EnvVars environment = run.getEnvironment(listener);
        for (CommitSource source : ExtensionList.lookup(CommitSource.class)) {
            String commit = source.commitOf(run, environment);
            if (commit != null && !commit.isBlank()) {
                return commit.strip();
            }
        }
        return null;
    }

    /** SCMs that export the commit as an environment variable (git's {@code GIT_COMMIT} in freestyle-like jobs). */
    @Extension
    public static final class FromEnvironment extends CommitSource {
        @Override
        protected String commitOf(Run<?, ?> run, EnvVars environment) {
            return environment.get("GIT_COMMIT");
        }
    }
}
