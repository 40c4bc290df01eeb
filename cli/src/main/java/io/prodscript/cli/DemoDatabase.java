package io.prodscript.cli;

import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.DatabaseTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo's own PostgreSQL: a real server started from the binaries inside the jar, in a temporary directory that
 * is deleted on {@link #close()}. It is the only database the command line ever commits to.
 */
final class DemoDatabase implements AutoCloseable {
    private static final String DATABASE = "shop";
    private static final Credentials CREDENTIALS = new Credentials("postgres", "postgres");

    private final EmbeddedPostgres server;

    private DemoDatabase(EmbeddedPostgres server) {
        this.server = server;
    }

    /** Starts a server with an empty {@code shop} database. */
    static DemoDatabase start() throws IOException, SQLException {
        EmbeddedPostgres server;
        try {
            server = EmbeddedPostgres.builder().start();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot start the embedded PostgreSQL (the demo ships its server for Linux x86-64 only): "
                    + e.getMessage(), e);
        }
        DemoDatabase database = new DemoDatabase(server);
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            database.close();
            throw e;
        }
        return database;
    }

    DatabaseTarget target() {
        return new DatabaseTarget("demo-shop", "jdbc:postgresql://localhost:" + server.getPort() + "/" + DATABASE,
                "demo", null, null, null);
    }

    Credentials credentials() {
        return CREDENTIALS;
    }

    int port() {
        return server.getPort();
    }

    String serverVersion() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Runs a set-up file as it is, statement after statement in autocommit. */
    void load(Path sqlFile) throws IOException, SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(Files.readString(sqlFile, StandardCharsets.UTF_8));
        }
    }

    /** The single number a {@code SELECT count(*) …} returns. */
    long count(String query) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Connection connect() throws SQLException {
        return server.getDatabase(CREDENTIALS.username(), DATABASE).getConnection();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
