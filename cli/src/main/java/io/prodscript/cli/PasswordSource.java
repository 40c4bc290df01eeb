package io.prodscript.cli;

import java.io.Console;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the database password comes from. Never from an argument: arguments show in {@code ps}, in shell history
 * and in CI logs.
 */
public final class PasswordSource {
    /** The environment variable the password is read from (the benchmark sets it for the commands it times). */
    public static final String ENVIRONMENT_VARIABLE = "PRODSCRIPT_PASSWORD";

    private final Map<String, String> environment;
    private final Supplier<Console> console;

    PasswordSource(Map<String, String> environment, Supplier<Console> console) {
        this.environment = environment;
        this.console = console;
    }

    /** The process's environment, else a prompt on the terminal. */
    static PasswordSource system() {
        return new PasswordSource(System.getenv(), System::console);
    }

    /** The password, or empty when there is neither the variable nor a terminal to ask at. */
    Optional<String> password(String user) {
        String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null) {
            return Optional.of(fromEnvironment);
        }
        Console terminal = console.get();
        if (terminal == null) {
            return Optional.empty();
        }
        char[] typed = terminal.readPassword("Password for %s: ", user);
        return typed == null ? Optional.empty() : Optional.of(new String(typed));
    }
}
