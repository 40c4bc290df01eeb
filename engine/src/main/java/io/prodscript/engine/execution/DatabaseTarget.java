package io.prodscript.engine.execution;

import java.time.Duration;
import java.util.Objects;

/**
 * A database scripts run against, as an administrator configured it. It holds no secret: credentials travel
 * separately as {@link Credentials}.
 *
 * @param name             the name people choose it by, e.g. {@code prod-main}
 * @param jdbcUrl          a {@code jdbc:postgresql:} URL; it must not carry a password
 * @param tier             e.g. {@code production} or {@code staging}; approval policy depends on it
 * @param statementTimeout the default for statements whose script sets no {@code @statement-timeout}
 * @param lockTimeout      the default for scripts that set no {@code @lock-timeout}
 * @param rescueRetention  how long rescue tables are kept unless the script says otherwise
 * @param rescueSchema     the schema rescue tables are created in ({@value #DEFAULT_RESCUE_SCHEMA} unless configured)
 */
public record DatabaseTarget(String name, String jdbcUrl, String tier, Duration statementTimeout, Duration lockTimeout,
                             Duration rescueRetention, String rescueSchema) {
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RESCUE_RETENTION = Duration.ofDays(7);
    public static final String DEFAULT_RESCUE_SCHEMA = "rescue";

    public DatabaseTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("target " + name + ": the URL must start with jdbc:postgresql:");
        }
        if (jdbcUrl.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            throw new IllegalArgumentException("target " + name + ": the URL must not contain a password; use credentials");
        }
        tier = tier == null || tier.isBlank() ? "production" : tier;
        statementTimeout = statementTimeout == null ? DEFAULT_STATEMENT_TIMEOUT : statementTimeout;
        lockTimeout = lockTimeout == null ? DEFAULT_LOCK_TIMEOUT : lockTimeout;
        rescueRetention = rescueRetention == null ? DEFAULT_RESCUE_RETENTION : rescueRetention;
        rescueSchema = rescueSchema == null || rescueSchema.isBlank() ? DEFAULT_RESCUE_SCHEMA : rescueSchema;
    }

    /** A target with the default rescue schema. */
    public DatabaseTarget(String name, String jdbcUrl, String tier, Duration statementTimeout, Duration lockTimeout,
                          Duration rescueRetention) {
        this(name, jdbcUrl, tier, statementTimeout, lockTimeout, rescueRetention, null);
    }

    /** The same target with rescue tables in another schema. */
    public DatabaseTarget withRescueSchema(String schema) {
        return new DatabaseTarget(name, jdbcUrl, tier, statementTimeout, lockTimeout, rescueRetention, schema);
    }

    /** A production target with default timeouts and retention. */
    public static DatabaseTarget of(String name, String jdbcUrl) {
        return new DatabaseTarget(name, jdbcUrl, "production", null, null, null);
    }
}
