package io.prodscript.engine.execution;

import java.util.Objects;

/**
 * A database login. Its {@link #toString()} never shows the password, so a credential that ends up in a log line or
 * an exception message by mistake still leaks nothing.
 */
public record Credentials(String username, String password) {
    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=****]";
    }
}
