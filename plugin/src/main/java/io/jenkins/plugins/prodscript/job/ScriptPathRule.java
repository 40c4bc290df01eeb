package io.jenkins.plugins.prodscript.job;

import java.util.Optional;

/**
 * The job's own rule on top of the engine's: a script must lie under the job's scripts directory. The engine already
 * refuses anything outside the checkout, absolute paths, {@code ..} and non-{@code .sql} files; this only narrows which
 * part of the repository counts as reviewed scripts.
 */
public final class ScriptPathRule {
    private ScriptPathRule() {
    }

    /** The directory as the rule compares it: forward slashes, no leading {@code ./}, no trailing slash. */
    public static String normalizeDirectory(String directory) {
        String dir = directory == null ? "" : directory.strip().replace('\\', '/');
        while (dir.startsWith("./")) {
            dir = dir.substring(2);
        }
        while (dir.endsWith("/")) {
            dir = dir.substring(0, dir.length() - 1);
        }
        return dir;
    }

    /** Why {@code directory} cannot be a scripts directory, or empty when it can (empty means the whole checkout). */
    public static Optional<String> directoryProblem(String directory) {
        String dir = normalizeDirectory(directory);
        if (dir.startsWith("/") || dir.matches("^[A-Za-z]:.*")) {
            return Optional.of("Give the directory relative to the checkout.");
        }
        for (String segment : dir.split("/")) {
            if (segment.equals("..")) {
                return Optional.of("The directory must stay inside the checkout (no '..').");
            }
        }
        return Optional.empty();
    }

    /** Why {@code scriptPath} is not under {@code directory}, or empty when it is. */
    public static Optional<String> scriptProblem(String directory, String scriptPath) {
        String dir = normalizeDirectory(directory);
        String path = normalizeDirectory(scriptPath);
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                return Optional.of("The script path " + scriptPath + " must not contain '..'.");
            }
        }
        if (!dir.isEmpty() && !path.startsWith(dir + "/")) {
            return Optional.of("The script " + scriptPath + " is not under the job's scripts directory " + dir + "/.");
        }
        return Optional.empty();
    }
}
