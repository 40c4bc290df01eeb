package io.jenkins.plugins.prodscript.target;

import io.prodscript.engine.execution.ConnectionLimits;
import io.prodscript.engine.execution.DatabaseTarget;
import java.io.Serializable;
import java.time.Duration;

/**
 * A target's connection settings as they travel to the agent that runs a script: plain values only (engine types
 * stay out of remoting), no secret. The engine's {@link DatabaseTarget} is made from them on the agent.
 */
public final class TargetSettings implements Serializable {
    private static final long serialVersionUID = 2L;

    private final String name;
    private final String jdbcUrl;
    private final String tier;
    private final int statementTimeoutSeconds;
    private final int lockTimeoutSeconds;
    private final int rescueRetentionDays;
    private final String rescueSchema;
    private final int connectTimeoutSeconds;
    private final int socketTimeoutSeconds;
    private final int ledgerLockTimeoutSeconds;
    private final int idleInTransactionTimeoutSeconds;

    TargetSettings(String name, String jdbcUrl, String tier, int statementTimeoutSeconds, int lockTimeoutSeconds,
                   int rescueRetentionDays, String rescueSchema, int connectTimeoutSeconds, int socketTimeoutSeconds,
                   int ledgerLockTimeoutSeconds, int idleInTransactionTimeoutSeconds) {
        this.name = name;
        this.jdbcUrl = jdbcUrl;
        this.tier = tier;
        this.statementTimeoutSeconds = statementTimeoutSeconds;
        this.lockTimeoutSeconds = lockTimeoutSeconds;
        this.rescueRetentionDays = rescueRetentionDays;
        this.rescueSchema = rescueSchema;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
        this.socketTimeoutSeconds = socketTimeoutSeconds;
        this.ledgerLockTimeoutSeconds = ledgerLockTimeoutSeconds;
        this.idleInTransactionTimeoutSeconds = idleInTransactionTimeoutSeconds;
    }

    public String getName() {
        return name;
    }

    /** The engine's view of the target. */
    public DatabaseTarget toDatabaseTarget() {
        ConnectionLimits limits = new ConnectionLimits(Duration.ofSeconds(connectTimeoutSeconds),
                Duration.ofSeconds(socketTimeoutSeconds), Duration.ofSeconds(ledgerLockTimeoutSeconds),
                Duration.ofSeconds(idleInTransactionTimeoutSeconds));
        return new DatabaseTarget(name, jdbcUrl, tier, Duration.ofSeconds(statementTimeoutSeconds),
                Duration.ofSeconds(lockTimeoutSeconds), Duration.ofDays(rescueRetentionDays), limits, rescueSchema);
    }

    @Override
    public String toString() {
        return "TargetSettings[" + name + ", " + jdbcUrl + ", tier " + tier + "]";
    }
}
