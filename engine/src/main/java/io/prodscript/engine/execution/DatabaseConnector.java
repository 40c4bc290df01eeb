package io.prodscript.engine.execution;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * Opens connections to a target with the PostgreSQL driver directly, not through {@code DriverManager}: inside
 * Jenkins each plugin has its own class loader, and service-loader scanning would not find the driver reliably.
 */
public final class DatabaseConnector {
    private DatabaseConnector() {
    }

    /**
     * @param applicationName shown in {@code pg_stat_activity}, so a DBA can tell which run a session belongs to
     */
    public static Connection connect(DatabaseTarget target, Credentials credentials, String applicationName) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", credentials.username());
        properties.setProperty("password", credentials.password());
        properties.setProperty("ApplicationName", applicationName);
        // The server's DETAIL text can quote row values (e.g. a duplicate key); keep them out of messages we log.
        properties.setProperty("logServerErrorDetail", "false");
        Connection connection = new Driver().connect(target.jdbcUrl(), properties);
        if (connection == null) {
            throw new SQLException("target " + target.name() + ": not a PostgreSQL JDBC URL");
        }
        return connection;
    }
}
