package io.jenkins.plugins.prodscript.audit;

import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.util.BuildListenerAdapter;

/**
 * The folder, next to the workspace on the agent, where a run's files are written before they are archived. It sits
 * in the workspace's {@code @tmp} sibling so the checkout stays exactly as the SCM left it.
 */
public final class ArtifactStage {
    private static final String[] NAMES = {
        ArtifactNames.SCRIPT, ArtifactNames.EVENTS, ArtifactNames.PLAN, ArtifactNames.REHEARSAL, ArtifactNames.RUN,
        ArtifactNames.MANIFEST, ArtifactNames.REVERSAL,
    };

    private final FilePath dir;

    private ArtifactStage(FilePath dir) {
        this.dir = dir;
    }

    /** The stage of run {@code key} for {@code workspace}; {@link #create()} makes it. */
    public static ArtifactStage of(FilePath workspace, String key) {
        return new ArtifactStage(workspace.sibling(workspace.getName() + "@tmp").child("prodscript-" + key));
    }

    /** A stage in a folder of the controller, for files the controller itself fetched (e.g. from the ledger). */
    public static ArtifactStage onController(java.io.File dir) {
        return new ArtifactStage(new FilePath(dir));
    }

    /** Makes the folder, empty. */
    public ArtifactStage create() throws IOException, InterruptedException {
        if (dir.exists()) {
            dir.deleteRecursive();
        }
        dir.mkdirs();
        return this;
    }

    /** Makes the folder unless it exists, keeping what is staged in it. */
    public void ensure() throws IOException, InterruptedException {
        dir.mkdirs();
    }

    public FilePath child(String name) {
        return dir.child(name);
    }

    /** The absolute path of a staged file on the agent, for code that runs there. */
    public String pathOf(String name) {
        return dir.child(name).getRemote();
    }

    public void write(String name, String text) throws IOException, InterruptedException {
        dir.child(name).write(text, StandardCharsets.UTF_8.name());
    }

    /**
     * Archives every staged file that exists under the run's artifact folder, through the build's artifact manager
     * (so custom storage such as S3 is honoured), and returns their artifact paths. Archiving again replaces a file
     * with its newer version.
     */
    public List<String> archive(Run<?, ?> run, ScriptRunAction record, Launcher launcher, TaskListener listener)
            throws IOException, InterruptedException {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : NAMES) {
            if (dir.child(name).exists()) {
                files.put(record.artifactPath(name), name);
            }
        }
        if (!files.isEmpty()) {
            run.pickArtifactManager().archive(dir, launcher, BuildListenerAdapter.wrap(listener), files);
        }
        return new ArrayList<>(files.keySet());
    }

    /** Removes the folder once its files are archived. */
    public void delete() throws IOException, InterruptedException {
        dir.deleteRecursive();
    }
}
