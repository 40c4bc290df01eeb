package io.prodscript.engine.execution;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.AutoSave;

/**
 * Opens connections to a target with the PostgreSQL driver directly, not through {@code DriverManager}: inside
 * Jenkins each plugin has its own class loader, and service-loader scanning would not find the driver reliably.
 *
 * <p>Every connection has the target's {@link ConnectionLimits}: a connect and login timeout, TCP keepalive, a socket
 * timeout of the statement timeout plus {@link ConnectionLimits#socketTimeout()}, {@code statement_timeout} at the
 * target's default, {@code lock_timeout} at the ledger's, {@code standard_conforming_strings} on, and the driver's
 * {@code autosave} off whatever the URL says. Servers older than {@link #OLDEST_SUPPORTED} are refused.
 */
public final class DatabaseConnector {
    /** The oldest PostgreSQL major version the engine supports ({@code pg_current_xact_id}, {@code pg_xact_status}). */
    public static final int OLDEST_SUPPORTED = 13;
    /** The newest PostgreSQL major version the engine is tested with. */
    public static final int NEWEST_TESTED = 18;

    private DatabaseConnector() {
    }

    /**
     * @param applicationName shown in {@code pg_stat_activity}, so a DBA can tell which run a session belongs to
     * @throws SQLException when the target cannot be reached in time, refuses the login, or runs an unsupported version
     */
    public static Connection connect(DatabaseTarget target, Credentials credentials, String applicationName) throws SQLException {
        ConnectionLimits limits = target.limits();
        Properties properties = new Properties();
        properties.setProperty("user", credentials.username());
        properties.setProperty("password", credentials.password());
        properties.setProperty("ApplicationName", applicationName);
        // The server's DETAIL text can quote row values (e.g. a duplicate key); keep them out of messages we log.
        properties.setProperty("logServerErrorDetail", "false");
        properties.setProperty("connectTimeout", Long.toString(seconds(limits.connectTimeout())));
        properties.setProperty("loginTimeout", Long.toString(seconds(limits.connectTimeout())));
        properties.setProperty("socketTimeout", Long.toString(seconds(target.statementTimeout().plus(limits.socketTimeout()))));
        properties.setProperty("tcpKeepAlive", "true");
        Connection connection = new Driver().connect(target.jdbcUrl(), properties);
        if (connection == null) {
            throw new SQLException("target " + target.name() + ": not a PostgreSQL JDBC URL");
        }
        try {
            // autosave=… in the URL would run each statement in a savepoint: rows would carry a subtransaction's id in
            // xmin, not the run's, and every reversal would find them "changed after the run".
            connection.unwrap(PGConnection.class).setAutosave(AutoSave.NEVER);
            requireSupported(target.name(), connection.getMetaData().getDatabaseMajorVersion(),
                    connection.getMetaData().getDatabaseProductVersion());
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT set_config('statement_timeout', '" + target.statementTimeout().toMillis() + "ms', false),"
                        + " set_config('lock_timeout', '" + limits.ledgerLockTimeout().toMillis() + "ms', false),"
                        // Scripts are split and checked reading strings as standard-conforming, whatever a role's or
                        // database's default says.
                        + " set_config('standard_conforming_strings', 'on', false)");
            }
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Refuses servers older than {@link #OLDEST_SUPPORTED}, naming the version found. */
    static void requireSupported(String targetName, int majorVersion, String version) throws SQLException {
        if (majorVersion < OLDEST_SUPPORTED) {
            throw new SQLException("target " + targetName + " runs PostgreSQL " + version + "; Production Script Runner"
                    + " supports PostgreSQL " + OLDEST_SUPPORTED + " to " + NEWEST_TESTED, "0A000");
        }
    }

    /** Sets how long the driver waits for an answer on this connection before treating it as lost. */
    static void waitAtMost(Connection connection, Duration timeout) throws SQLException {
        connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /** The driver takes whole seconds; anything shorter than a second becomes one. */
    private static long seconds(Duration duration) {
        return Math.min(Integer.MAX_VALUE, Math.max(1, (duration.toMillis() + 999) / 1000));
    }
}
