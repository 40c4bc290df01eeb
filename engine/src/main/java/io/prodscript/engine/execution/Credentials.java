package io.prodscript.engine.execution;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;

/**
 * A database login. The password never leaves this record except towards the database: {@link #toString()} hides
 * it and JSON leaves it out, so a credential that ends up in a log line, a report or an exception message by mistake
 * still leaks nothing.
 */
@JsonIgnoreProperties(value = "password", allowSetters = true)
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
