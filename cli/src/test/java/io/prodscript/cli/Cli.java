package io.prodscript.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs the command line in-process with its output captured. */
final class Cli {
    /** The repository's root, where examples/ lives; Maven runs the tests in the cli module's directory. */
    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    private Cli() {
    }

    record Outcome(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    static Outcome run(String... args) {
        return run(ProdscriptCommand.commandLine(), args);
    }

    static Outcome run(CommandLine commandLine, String... args) {
        if (!Files.isDirectory(REPOSITORY.resolve("examples"))) {
            throw new IllegalStateException("tests must run in the cli module's directory; " + REPOSITORY + " has no examples/");
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Outcome(exitCode, out.toString(), err.toString());
    }
}
