package io.prodscript.cli;

import io.prodscript.engine.execution.Credentials;
import java.io.Console;
import java.io.PrintWriter;
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

    /** The user's credentials, or empty after telling {@code err} how to give the password. */
    Optional<Credentials> credentials(String user, PrintWriter err) {
        Optional<String> password = password(user);
        if (password.isEmpty()) {
            err.println("No password: set " + ENVIRONMENT_VARIABLE + " or run in a terminal to be asked for it.");
        }
        return password.map(p -> new Credentials(user, p));
    }
}
