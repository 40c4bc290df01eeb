package io.jenkins.plugins.prodscript.target;

import io.prodscript.engine.execution.DatabaseTarget;
import java.io.Serializable;
import java.time.Duration;

/**
 * A target's connection settings as they travel to the agent that runs a script: plain values only (engine types
 * stay out of remoting), no secret. The engine's {@link DatabaseTarget} is made from them on the agent.
 */
public final class TargetSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String jdbcUrl;
    private final String tier;
    private final int statementTimeoutSeconds;
    private final int lockTimeoutSeconds;
    private final int rescueRetentionDays;

    TargetSettings(String name, String jdbcUrl, String tier, int statementTimeoutSeconds, int lockTimeoutSeconds,
                   int rescueRetentionDays) {
        this.name = name;
        this.jdbcUrl = jdbcUrl;
        this.tier = tier;
        this.statementTimeoutSeconds = statementTimeoutSeconds;
        this.lockTimeoutSeconds = lockTimeoutSeconds;
        this.rescueRetentionDays = rescueRetentionDays;
    }

    public String getName() {
        return name;
    }

    /** The engine's view of the target. */
    public DatabaseTarget toDatabaseTarget() {
        return new DatabaseTarget(name, jdbcUrl, tier, Duration.ofSeconds(statementTimeoutSeconds),
                Duration.ofSeconds(lockTimeoutSeconds), Duration.ofDays(rescueRetentionDays));
    }

    @Override
    public String toString() {
        return "TargetSettings[" + name + ", " + jdbcUrl + ", tier " + tier + "]";
    }
}
