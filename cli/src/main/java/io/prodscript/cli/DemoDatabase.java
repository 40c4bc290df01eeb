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

/** The demo's own PostgreSQL, with the sample shop's database: the only kind of database the demo commits to. */
final class DemoDatabase implements AutoCloseable {
    private final EmbeddedDatabase server;

    private DemoDatabase(EmbeddedDatabase server) {
        this.server = server;
    }

    /** Starts a server with an empty {@code shop} database. */
    static DemoDatabase start() throws IOException, SQLException {
        return new DemoDatabase(EmbeddedDatabase.start(EmbeddedPostgres.builder(), "shop"));
    }

    DatabaseTarget target() {
        return server.target("demo-shop", "demo", null, null);
    }

    Credentials credentials() {
        return EmbeddedDatabase.CREDENTIALS;
    }

    int port() {
        return server.port();
    }

    String serverVersion() throws SQLException {
        return server.serverVersion();
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
        return server.connect();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
