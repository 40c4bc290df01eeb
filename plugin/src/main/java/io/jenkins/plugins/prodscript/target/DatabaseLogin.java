package io.jenkins.plugins.prodscript.target;

import hudson.util.Secret;
import io.prodscript.engine.execution.Credentials;
import java.io.Serializable;
import java.util.Objects;

/**
 * A target's login as it travels to the agent: the password stays a {@link Secret} until {@link #toCredentials()}
 * hands it to the engine there. Never persisted (no build or configuration field holds one) and never printed:
 * {@link #toString()} shows the user only, because {@link Secret#toString()} would show the password.
 */
public final class DatabaseLogin implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String username;
    private final Secret password;

    DatabaseLogin(String username, Secret password) {
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
    }

    public String getUsername() {
        return username;
    }

    /** The engine's login, made where the database is reached. */
    public Credentials toCredentials() {
        return new Credentials(username, password.getPlainText());
    }

    @Override
    public String toString() {
        return "DatabaseLogin[" + username + ", password ****]";
    }
}
