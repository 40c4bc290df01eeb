package io.jenkins.plugins.prodscript.testing;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.DatabaseTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.Driver;

/**
 * A fresh PostgreSQL database per test on one embedded server, set up as production should be: the superuser installs
 * the ledger ({@code ScriptEngine.install}) and grants the runner role exactly what {@code docs/how-a-run-works.md}
 * lists (this class runs that very snippet, as the engine's own tests do), and builds log in as {@link #USER}, an
 * ordinary role (no superuser, no CREATEDB, no CREATEROLE) whose password is distinctive enough to be searched for in
 * everything a build leaves behind. {@link #OWNER} is a second login that may create schemas in the database, for
 * installing the ledger from Jenkins (<em>Prepare target</em>).
 */
public final class TestTarget {
    public static final String USER = "prodscript_runner";
    public static final String PASSWORD = "Zebra-Quartz-4711-never-in-logs";
    public static final String OWNER = "prodscript_owner";
    public static final String OWNER_PASSWORD = "Otter-Basalt-0815-never-in-logs";
    private static final String SUPERUSER = "postgres";
    private static final Pattern GRANTS = Pattern.compile("<!-- runner-grants -->\\s*```sql\\n(.*?)```", Pattern.DOTALL);

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private final String database;

    private TestTarget(String database) {
        this.database = database;
    }

    /**
     * A new database with the ledger installed and the runner granted, and table {@code accounts(id, email)} (owned by
     * the runner) holding three rows, two with upper-case emails.
     */
    public static TestTarget create() {
        TestTarget target = createWithoutLedger();
        try {
            ScriptEngine.create().install(target.databaseTarget(), new Credentials(SUPERUSER, SUPERUSER));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot install the ledger in " + target.database, e);
        }
        target.asSuperuser(runnerGrants());
        return target;
    }

    /**
     * A new database as it is before anyone installed the ledger: {@code accounts} exists, the runner may use the
     * application's schema, and {@link #OWNER} may create schemas (and so install the ledger).
     */
    public static TestTarget createWithoutLedger() {
        String name = "target_" + COUNTER.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
            s.execute("GRANT CREATE ON DATABASE " + name + " TO " + OWNER);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        TestTarget target = new TestTarget(name);
        // The application's side, not the ledger's: PostgreSQL 15 and later no longer let every role create in public.
        target.asSuperuser("GRANT USAGE, CREATE ON SCHEMA public TO " + USER);
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
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + USER + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '" + PASSWORD + "'");
                s.execute("CREATE ROLE " + OWNER + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '" + OWNER_PASSWORD + "'");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create the test roles", e);
            }
        }
        return server;
    }

    /** The runner grants of {@code docs/how-a-run-works.md}, for {@link #USER} (the role the snippet names). */
    private static String runnerGrants() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("docs/how-a-run-works.md"))) {
            dir = dir.getParent();
            if (dir == null) {
                throw new IllegalStateException("docs/how-a-run-works.md not found above " + Path.of("").toAbsolutePath());
            }
        }
        try {
            Matcher grants = GRANTS.matcher(Files.readString(dir.resolve("docs/how-a-run-works.md"), StandardCharsets.UTF_8));
            if (!grants.find()) {
                throw new IllegalStateException("docs/how-a-run-works.md has no '<!-- runner-grants -->' SQL block");
            }
            return grants.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "jdbc:postgresql://localhost:" + server().getPort() + "/" + database;
    }

    /** This database as the engine's target, default settings. */
    public DatabaseTarget databaseTarget() {
        return DatabaseTarget.of(database, url());
    }

    /** Runs SQL as the runner role, outside any build. */
    public void execute(String sql) {
        run(USER, PASSWORD, sql);
    }

    /** Runs SQL as the superuser: what only an owner may do (revoking grants, dropping the ledger). */
    public void asSuperuser(String sql) {
        run(SUPERUSER, SUPERUSER, sql);
    }

    /** The first column of the first row of {@code sql} read as the runner, as text; null when there is no row. */
    public String queryOne(String sql) {
        try (Connection c = connect(USER, PASSWORD); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Whether any run or rehearsal reached this database: the ledger records every one it admits. */
    public boolean touched() {
        return !"0".equals(queryOne("SELECT count(*) FROM script_runner.runs"));
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
            Connection c = connect(USER, PASSWORD);
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

    /** How many sessions wait for a lock in this database now. */
    public int sessionsWaitingForALock() {
        return Integer.parseInt(queryOne("SELECT count(*) FROM pg_locks WHERE NOT granted"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
    }

    /** Waits, up to 10 s, until one session waits for a lock here (say a run blocked by {@link #lock}). */
    public void awaitOneSessionWaitingForALock() throws InterruptedException {
        for (int i = 0; i < 100 && sessionsWaitingForALock() == 0; i++) {
            Thread.sleep(100);
        }
        if (sessionsWaitingForALock() != 1) {
            throw new AssertionError(sessionsWaitingForALock() + " sessions wait for a lock, expected 1");
        }
    }

    private void run(String user, String password, String sql) {
        try (Connection c = connect(user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        return new Driver().connect(url(), login);
    }
}
