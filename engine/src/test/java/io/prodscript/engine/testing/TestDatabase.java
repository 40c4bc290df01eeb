package io.prodscript.engine.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;

/**
 * A fresh, empty PostgreSQL database for one test, on a real embedded server shared by the whole test JVM.
 * Each test gets its own database so tests never see each other's tables, ledgers or rescue schemas.
 */
public final class TestDatabase {
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    /** Creates a new empty database on the shared server. */
    public static TestDatabase create() {
        String name = "test_" + COUNTER.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new TestDatabase(name);
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the server's directory is temporary anyway
                }
            }));
        }
        return server;
    }

    public String name() {
        return name;
    }

    public String url() {
        return "jdbc:postgresql://localhost:" + server().getPort() + "/" + name;
    }

    public Jdbi jdbi() {
        return Jdbi.create(url(), USER, PASSWORD);
    }

    /** Runs SQL in autocommit, for fixtures. */
    public void execute(String sql) {
        jdbi().useHandle(h -> h.createScript(sql).execute());
    }
}
