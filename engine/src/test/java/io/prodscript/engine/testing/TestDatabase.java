package io.prodscript.engine.testing;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * A fresh PostgreSQL database for one test, on a real embedded server shared by the whole test JVM. Each test gets its
 * own database so tests never see each other's tables, ledgers or rescue schemas.
 *
 * <p>As in production, the superuser only installs the ledger and sets up fixtures: runs log in as
 * {@link #RUNNER}, an ordinary role holding exactly the grants {@code docs/how-a-run-works.md} documents for the
 * ledger (that snippet is what this class runs), plus ownership of the application's tables, which fixtures create
 * on its behalf. {@link #SECOND_RUNNER} is another login with the same ledger grants, for tests of two logins sharing
 * one ledger.
 *
 * <p>The server's major version is the one whose binaries are on the test class path; the system property
 * {@code prodscript.test.postgres.major}, when set, must match it (see the engine's pom).
 */
public final class TestDatabase {
    public static final String RUNNER = "prodscript_runner";
    public static final String SECOND_RUNNER = "prodscript_runner_b";
    public static final String RUNNER_PASSWORD = "runner-password";
    static final String SUPERUSER = "postgres";
    private static final String MAJOR_PROPERTY = "prodscript.test.postgres.major";
    private static final Pattern GRANTS = Pattern.compile("<!-- runner-grants -->\\s*```sql\\n(.*?)```", Pattern.DOTALL);

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static String runnerGrants;

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    /** A new database with the ledger installed by the superuser and the runner roles granted what the docs say. */
    public static TestDatabase create() {
        TestDatabase db = createWithoutLedger();
        try {
            ScriptEngine.create().install(db.target(), db.superuser());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot install the ledger in " + db.name, e);
        }
        db.asSuperuser(grantsFor(RUNNER) + "\n" + grantsFor(SECOND_RUNNER));
        return db;
    }

    /** A new database without the ledger, as a target is before anyone installed it. */
    public static TestDatabase createWithoutLedger() {
        String name = "test_" + COUNTER.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        TestDatabase db = new TestDatabase(name);
        // The application's side, not the ledger's: the runner may create tables in public (PostgreSQL 15 and later
        // no longer let every role do so).
        db.asSuperuser("GRANT USAGE, CREATE ON SCHEMA public TO " + RUNNER);
        return db;
    }

    /** The documented grants (docs/how-a-run-works.md), for the given role instead of {@code prodscript_runner}. */
    public static synchronized String grantsFor(String role) {
        if (runnerGrants == null) {
            Path docs = Path.of("").toAbsolutePath();
            while (!Files.exists(docs.resolve("docs/how-a-run-works.md"))) {
                docs = docs.getParent();
                if (docs == null) {
                    throw new IllegalStateException("docs/how-a-run-works.md not found above " + Path.of("").toAbsolutePath());
                }
            }
            try {
                Matcher m = GRANTS.matcher(Files.readString(docs.resolve("docs/how-a-run-works.md"), StandardCharsets.UTF_8));
                if (!m.find()) {
                    throw new IllegalStateException("docs/how-a-run-works.md has no '<!-- runner-grants -->' SQL block");
                }
                runnerGrants = m.group(1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return runnerGrants.replaceAll("\\bprodscript_runner\\b", role);
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
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                requireExpectedMajor(c);
                for (String role : new String[] {RUNNER, SECOND_RUNNER}) {
                    s.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '" + RUNNER_PASSWORD + "'");
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot prepare the embedded PostgreSQL", e);
            }
        }
        return server;
    }

    private static void requireExpectedMajor(Connection c) throws SQLException {
        String expected = System.getProperty(MAJOR_PROPERTY);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            if (expected != null && !expected.equals(rs.getString(1))) {
                throw new IllegalStateException("the tests expect PostgreSQL " + expected + " but started " + rs.getString(1)
                        + ": check the binaries on the test class path");
            }
        }
    }

    /** The major version of the server the tests run on. */
    public static int serverMajorVersion() {
        return Jdbi.create(server().getPostgresDatabase()).withHandle(h -> h.createQuery(
                "SELECT current_setting('server_version_num')::int / 10000").mapTo(Integer.class).one());
    }

    public String name() {
        return name;
    }

    public String url() {
        return "jdbc:postgresql://localhost:" + server().getPort() + "/" + name;
    }

    /** A proxy in front of the server, for tests that cut or stall the connection. */
    public LoopbackProxy proxy() throws IOException {
        return LoopbackProxy.start(server().getPort());
    }

    /** This database as a target, with default limits. */
    public DatabaseTarget target() {
        return DatabaseTarget.of("test-db", url());
    }

    /** The runner's login: what every run in the tests uses. */
    public Credentials runner() {
        return new Credentials(RUNNER, RUNNER_PASSWORD);
    }

    /** The superuser's login, for installing the ledger only. */
    public Credentials superuser() {
        return new Credentials(SUPERUSER, SUPERUSER);
    }

    /** The superuser, for inspecting the database and holding locks from outside; fixtures use {@link #execute}. */
    public Jdbi jdbi() {
        return Jdbi.create(url(), SUPERUSER, SUPERUSER);
    }

    /** The runner's login, for using the ledger as a run would. */
    public Jdbi runnerJdbi() {
        return Jdbi.create(url(), RUNNER, RUNNER_PASSWORD);
    }

    /** Runs SQL in autocommit for fixtures, set up by the superuser on the runner's behalf (the runner owns them). */
    public void execute(String sql) {
        jdbi().useHandle(h -> {
            h.execute("SET ROLE " + RUNNER);
            h.createScript(sql).execute();
        });
    }

    /** Runs SQL in autocommit as the superuser itself: installation-like set-up the runner may not do. */
    public void asSuperuser(String sql) {
        jdbi().useHandle(h -> h.createScript(sql).execute());
    }

    /**
     * Like {@link #execute} or {@link #asSuperuser}, but sends the SQL whole, as one message: JDBI's script splitting
     * does not know dollar quotes, so function bodies need this.
     */
    public void executeWhole(String sql, boolean asRunner) {
        jdbi().useHandle(h -> {
            if (asRunner) {
                h.execute("SET ROLE " + RUNNER);
            }
            try (Statement statement = h.getConnection().createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
