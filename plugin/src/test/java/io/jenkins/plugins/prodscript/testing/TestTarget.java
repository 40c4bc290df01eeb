package io.jenkins.plugins.prodscript.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.Driver;

/**
 * A fresh PostgreSQL database per test on one embedded server, with a login role whose password is distinctive enough
 * to be searched for in everything a build leaves behind.
 */
public final class TestTarget {
    public static final String USER = "script_runner";
    public static final String PASSWORD = "Zebra-Quartz-4711-never-in-logs";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private final String database;

    private TestTarget(String database) {
        this.database = database;
    }

    /** A new database with table {@code accounts(id, email)} holding three rows, two with upper-case emails. */
    public static TestTarget create() {
        String name = "target_" + COUNTER.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
            try (ResultSet role = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + USER + "'")) {
                if (!role.next()) {
                    s.execute("CREATE ROLE " + USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        TestTarget target = new TestTarget(name);
        target.execute("CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL);"
                + " INSERT INTO accounts VALUES (1, 'A@EXAMPLE.COM'), (2, 'B@EXAMPLE.COM'), (3, 'c@example.com')");
        return target;
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
        }
        return server;
    }

    public String url() {
        return "jdbc:postgresql://localhost:" + server().getPort() + "/" + database;
    }

    /** Runs SQL as the login role, outside any build. */
    public void execute(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The first column of the first row of {@code sql}, as text; null when there is no row. */
    public String queryOne(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Whether anything ever ran here: the first run or rehearsal creates the ledger, {@code script_runner.runs}. */
    public boolean touched() {
        return queryOne("SELECT to_regclass('script_runner.runs')") != null;
    }

        /** How many accounts still have an upper-case email: 2 until a fix commits. */
    public int upperCaseEmails() {
        return Integer.parseInt(queryOne("SELECT count(*) FROM accounts WHERE email <> lower(email)"));
    }

    /**
     * Locks {@code table} against writers from another session until the returned handle is closed, so that a run on
     * it waits (up to its lock timeout) and can be aborted while it runs.
     */
    public AutoCloseable lock(String table) {
        try {
            Connection c = connect();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            }
            return () -> {
                c.rollback();
                c.close();
            };
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lock " + table, e);
        }
    }

        private Connection connect() throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", USER);
        login.setProperty("password", PASSWORD);
        return new Driver().connect(url(), login);
    }
}
