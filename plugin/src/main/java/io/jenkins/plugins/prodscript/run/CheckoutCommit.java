package io.jenkins.plugins.prodscript.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The commit of the checkout that holds a script. A build may check out several repositories (a shared library, a
 * second checkout), so the build's last recorded checkout is not necessarily the script's: git itself is asked, in the
 * script's own directory on the agent. When that cannot tell (no git on the agent, not a git checkout), the build's
 * {@link CommitSource}s answer as before.
 */
final class CheckoutCommit {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

    private CheckoutCommit() {
    }

    /** The commit of the checkout holding {@code scriptPath} (relative to {@code workspace}), or null when unknown. */
    static @CheckForNull String of(Run<?, ?> build, FilePath workspace, Launcher launcher, String scriptPath,
                                   TaskListener listener) throws IOException, InterruptedException {
        String commit = ofDirectory(directoryOf(workspace, scriptPath), workspace.getRemote(), launcher);
        return commit != null ? commit : CommitSource.find(build, listener);
    }

    /**
     * The directory of a script path that stays inside the workspace, or null: git is never asked about a directory the
     * engine will refuse anyway.
     */
    static @CheckForNull FilePath directoryOf(FilePath workspace, @CheckForNull String scriptPath) {
        if (scriptPath == null || scriptPath.isBlank() || scriptPath.startsWith("/") || scriptPath.contains("\\")
                || scriptPath.contains(":") || scriptPath.matches("(.*/)?\\.\\.(/.*)?")) {
            return null;
        }
        return workspace.child(scriptPath).getParent();
    }

    /** Whether git's top-level directory is the workspace or lies inside it (paths as the agent writes them). */
    static boolean insideWorkspace(String topLevel, String workspaceRoot) {
        String root = workspaceRoot.replace('\\', '/');
        String top = topLevel.replace('\\', '/');
        return top.equals(root) || top.startsWith(root.endsWith("/") ? root : root + "/");
    }

    /**
     * Asks git for the top of the repository and its commit; only a repository inside the workspace counts (a
     * workspace that is not a checkout may still lie inside some unrelated repository on the agent).
     */
    private static @CheckForNull String ofDirectory(@CheckForNull FilePath directory, String workspaceRoot,
                                                    Launcher launcher) throws InterruptedException {
        if (directory == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            int status = launcher.launch().cmds("git", "rev-parse", "--show-toplevel", "HEAD^{commit}").pwd(directory)
                    .stdout(out).stderr(OutputStream.nullOutputStream()).quiet(true).join();
            String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\\R");
            return status == 0 && lines.length == 2 && insideWorkspace(lines[0].strip(), workspaceRoot)
                    && COMMIT.matcher(lines[1].strip()).matches() ? lines[1].strip() : null;
        } catch (IOException e) {
            // No git on the agent, or the directory does not exist: the script's read reports the latter itself.
            return null;
        }
    }
}
