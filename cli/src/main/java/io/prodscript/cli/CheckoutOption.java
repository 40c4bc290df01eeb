package io.prodscript.cli;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.script.Script;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --root} option shared by the commands that read scripts. Scripts are named relative to a checkout, as
 * in Jenkins, so that the path in a plan, an approval and the ledger is the same wherever the script was read.
 */
final class CheckoutOption {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = ".",
            description = "The checkout the script paths are relative to (default: the current directory).")
    Path root;

    /** Reads a script with all of the engine's intake checks; throws {@link io.prodscript.engine.Refusal}. */
    Script read(ScriptEngine engine, String scriptPath) {
        return engine.read(root, scriptPath);
    }
}
