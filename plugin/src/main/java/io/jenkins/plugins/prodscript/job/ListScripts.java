package io.jenkins.plugins.prodscript.job;

import hudson.remoting.VirtualChannel;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.stream.Stream;
import jenkins.MasterToSlaveFileCallable;

/**
 * The {@code .sql} files under a directory of a checkout, on the agent that has it, as paths relative to the checkout
 * with forward slashes: what "Build with Parameters" offers for SCRIPT. Symbolic links are not followed (the engine
 * refuses scripts that lead out of the checkout anyway), and the list is capped so a huge repository cannot stall the
 * form. Newest-looking names first: scripts are usually named by date.
 */
final class ListScripts extends MasterToSlaveFileCallable<ArrayList<String>> {
    private static final long serialVersionUID = 1L;
    static final int MAX_SCRIPTS = 500;

    private final String directory;

    ListScripts(String directory) {
        this.directory = ScriptPathRule.normalizeDirectory(directory);
    }

    @Override
    public ArrayList<String> invoke(File checkout, VirtualChannel channel) throws IOException {
        return list(checkout.toPath(), directory);
    }

    static ArrayList<String> list(Path checkout, String directory) throws IOException {
        Path root = directory.isEmpty() ? checkout : checkout.resolve(directory);
        ArrayList<String> scripts = new ArrayList<>();
        if (!Files.isDirectory(root) || Files.isSymbolicLink(root)) {
            return scripts;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> Files.isRegularFile(f) && !Files.isSymbolicLink(f))
                    .map(f -> checkout.relativize(f).toString().replace(File.separatorChar, '/'))
                    .filter(p -> p.endsWith(".sql") && !p.startsWith(".git/") && !p.contains("/.git/"))
                    .sorted(Comparator.reverseOrder())
                    .limit(MAX_SCRIPTS)
                    .forEach(scripts::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return scripts;
    }
}
