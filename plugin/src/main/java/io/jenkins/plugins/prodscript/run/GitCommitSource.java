package io.jenkins.plugins.prodscript.run;

import hudson.EnvVars;
import hudson.Extension;
import hudson.model.Run;
import hudson.plugins.git.Revision;
import hudson.plugins.git.util.BuildData;
import java.util.List;

/**
 * The commit of a git checkout as the git plugin records it on the build, which also covers Pipeline checkouts
 * (they set no build environment). Optional: without the git plugin this extension is simply not loaded.
 */
@Extension(optional = true)
public final class GitCommitSource extends CommitSource {
    @Override
    protected String commitOf(Run<?, ?> run, EnvVars environment) {
        List<BuildData> checkouts = run.getActions(BuildData.class);
        // The latest checkout is the one the script was read from.
        for (int i = checkouts.size() - 1; i >= 0; i--) {
            Revision revision = checkouts.get(i).getLastBuiltRevision();
            if (revision != null) {
                return revision.getSha1String();
            }
        }
        return null;
    }
}
