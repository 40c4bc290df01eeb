package io.prodscript.cli;

import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.DatabaseTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL server started from the binaries inside the jar, in a temporary directory deleted on
 * {@link #close()}, with one empty database. The demo and the benchmark own theirs; the command line commits to no
 * other database.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    /** The embedded server's superuser; it trusts local connections, so the password is only a formality. */
    public static final Credentials CREDENTIALS = new Credentials("postgres", "postgres");

    private final EmbeddedPostgres server;
    private final String database;

    private EmbeddedDatabase(EmbeddedPostgres server, String database) {
        this.server = server;
        this.database = database;
    }

    /** Starts a server configured by {@code builder} and creates the empty database {@code database}. */
    public static EmbeddedDatabase start(EmbeddedPostgres.Builder builder, String database) throws IOException, SQLException {
        EmbeddedPostgres server;
        try {
            server = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot start the embedded PostgreSQL (the command line ships its server for Linux"
                    + " x86-64 only): " + e.getMessage(), e);
        }
        EmbeddedDatabase embedded = new EmbeddedDatabase(server, database);
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            embedded.close();
            throw e;
        }
        return embedded;
    }

    public String database() {
        return database;
    }

    public int port() {
        return server.getPort();
    }

    /** A target on this database; null timeouts and retention take the engine's defaults. */
    public DatabaseTarget target(String name, String tier, Duration statementTimeout, Duration lockTimeout) {
        return new DatabaseTarget(name, "jdbc:postgresql://localhost:" + port() + "/" + database, tier, statementTimeout,
                lockTimeout, null);
    }

    public String serverVersion() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A new connection to the database, as the superuser. */
    public Connection connect() throws SQLException {
        return server.getDatabase(CREDENTIALS.username(), database).getConnection();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
