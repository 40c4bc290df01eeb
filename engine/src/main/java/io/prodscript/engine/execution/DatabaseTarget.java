package io.prodscript.engine.execution;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A database scripts run against, as an administrator configured it. It holds no secret: credentials travel
 * separately as {@link Credentials}, and a URL carrying a password or user information is refused.
 *
 * @param name             the name people choose it by, e.g. {@code prod-main}
 * @param jdbcUrl          a {@code jdbc:postgresql:} URL; it must not carry a password or {@code user@host} information
 * @param tier             e.g. {@code production} or {@code staging}; approval policy depends on it
 * @param statementTimeout the default for statements whose script sets no {@code @statement-timeout}
 * @param lockTimeout      the default for scripts that set no {@code @lock-timeout}
 * @param rescueRetention  how long rescue tables are kept unless the script says otherwise
 * @param limits           network and ledger timeouts; null takes {@link ConnectionLimits#DEFAULTS}
 * @param rescueSchema     the schema rescue tables are created in ({@value #DEFAULT_RESCUE_SCHEMA} unless configured);
 *                         {@code prodscript install} creates it
 */
public record DatabaseTarget(String name, String jdbcUrl, String tier, Duration statementTimeout, Duration lockTimeout,
                             Duration rescueRetention, ConnectionLimits limits, String rescueSchema) {
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
        if (jdbcUrl.toLowerCase(Locale.ROOT).contains("password=")) {
            throw new IllegalArgumentException("target " + name + ": the URL must not contain a password; use credentials");
        }
        // Not naming the target: a name derived from such a URL would repeat the secret.
        if (hasUserInfo(jdbcUrl)) {
            throw new IllegalArgumentException("a target's URL must not contain user information (user:password@host);"
                    + " give the login as credentials");
        }
        tier = tier == null || tier.isBlank() ? "production" : tier;
        statementTimeout = statementTimeout == null ? DEFAULT_STATEMENT_TIMEOUT : statementTimeout;
        lockTimeout = lockTimeout == null ? DEFAULT_LOCK_TIMEOUT : lockTimeout;
        rescueRetention = rescueRetention == null ? DEFAULT_RESCUE_RETENTION : rescueRetention;
        limits = limits == null ? ConnectionLimits.DEFAULTS : limits;
        rescueSchema = rescueSchema == null || rescueSchema.isBlank() ? DEFAULT_RESCUE_SCHEMA : rescueSchema;
        if (statementTimeout.compareTo(ConnectionLimits.LONGEST_SERVER_TIMEOUT) > 0
                || lockTimeout.compareTo(ConnectionLimits.LONGEST_SERVER_TIMEOUT) > 0) {
            throw new IllegalArgumentException("target " + name + ": timeouts must be at most "
                    + ConnectionLimits.LONGEST_SERVER_TIMEOUT.toMillis() + " ms, PostgreSQL's limit");
        }
    }

    /** A target with the default rescue schema. */
    public DatabaseTarget(String name, String jdbcUrl, String tier, Duration statementTimeout, Duration lockTimeout,
                          Duration rescueRetention, ConnectionLimits limits) {
        this(name, jdbcUrl, tier, statementTimeout, lockTimeout, rescueRetention, limits, null);
    }

    /** A target with the default connection limits and rescue schema. */
    public DatabaseTarget(String name, String jdbcUrl, String tier, Duration statementTimeout, Duration lockTimeout,
                          Duration rescueRetention) {
        this(name, jdbcUrl, tier, statementTimeout, lockTimeout, rescueRetention, null, null);
    }

    /** The same target with rescue tables in another schema. */
    public DatabaseTarget withRescueSchema(String schema) {
        return new DatabaseTarget(name, jdbcUrl, tier, statementTimeout, lockTimeout, rescueRetention, limits, schema);
    }

    /** A production target with default timeouts and retention. */
    public static DatabaseTarget of(String name, String jdbcUrl) {
        return new DatabaseTarget(name, jdbcUrl, "production", null, null, null, null);
    }

    /** The same target with other connection limits. */
    public DatabaseTarget withLimits(ConnectionLimits value) {
        return new DatabaseTarget(name, jdbcUrl, tier, statementTimeout, lockTimeout, rescueRetention, value, rescueSchema);
    }

    /** {@code jdbc:postgresql://user:secret@host/db}: the part before the host holds an {@code @}. */
    private static boolean hasUserInfo(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:postgresql:".length());
        if (!rest.startsWith("//")) {
            return false;
        }
        String authority = rest.substring(2).split("[/?]", 2)[0];
        return authority.contains("@");
    }
}
