package io.prodscript.cli;

/** Entry point of {@code java -jar prodscript-cli.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(ProdscriptCommand.commandLine().execute(args));
    }
}
