package io.jenkins.plugins.prodscript.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.casc.ConfiguratorException;
import io.prodscript.engine.execution.ConnectionLimits;
import io.prodscript.engine.execution.DatabaseTarget;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The targets as code: the YAML of docs/jenkins-admin.md applies under its symbol, and an invalid list changes nothing. */
@WithJenkins
class ProductionScriptTargetsCascTest {
    private static void apply(String resource) throws ConfiguratorException {
        ConfigurationAsCode.get().configure(ProductionScriptTargetsCascTest.class.getResource(resource).toExternalForm());
    }

    @Test
    void everySettingIsReadFromYaml(JenkinsRule j) throws Exception {
        apply("configuration-as-code.yaml");

        List<TargetDatabase> targets = ProductionScriptTargets.get().getTargets();
        assertEquals(List.of("prod-main", "staging"), ProductionScriptTargets.get().names());
        TargetDatabase prod = targets.get(0);
        assertEquals("jdbc:postgresql://db.example.com:5432/app?sslmode=verify-full", prod.getJdbcUrl());
        assertEquals("prod-main-db", prod.getCredentialsId());
        assertEquals("production", prod.getTier());
        assertEquals(3, prod.getRequiredApprovals());
        assertEquals(List.of("bob", "carol"), prod.approverList());
        assertEquals(List.of("dba"), prod.approverGroupList());
        assertEquals(8, prod.getMaxWaitHours());
        assertEquals(120, prod.getStatementTimeoutSeconds());
        assertEquals(3, prod.getLockTimeoutSeconds());
        assertEquals(14, prod.getRescueRetentionDays());
        assertEquals(List.of("dba/", "ops/fix-accounts"), prod.allowedJobList());
        assertEquals(List.of("db-runners"), prod.allowedAgentLabelList());
        assertEquals("staging", prod.getRehearseOn());
        assertFalse(prod.isAllowPipelines(), "production targets refuse Pipelines unless told otherwise");
        assertEquals("rescue_main", prod.getRescueSchema());
        assertEquals(4, prod.getConnectTimeoutSeconds());
        assertEquals(90, prod.getSocketTimeoutSeconds());
        assertEquals(2, prod.getLedgerLockTimeoutSeconds());
        assertEquals(30, prod.getIdleInTransactionTimeoutSeconds());
        assertEquals("prod-main-owner", prod.getOwnerCredentialsId());
        DatabaseTarget engineView = prod.settings().toDatabaseTarget();
        assertEquals("rescue_main", engineView.rescueSchema());
        assertEquals(new ConnectionLimits(Duration.ofSeconds(4), Duration.ofSeconds(90), Duration.ofSeconds(2),
                Duration.ofSeconds(30)), engineView.limits(), "the settings reach the engine");
        TargetDatabase staging = targets.get(1);
        assertEquals("staging", staging.getTier());
        assertEquals(1, staging.getEffectiveRequiredApprovals(), "the tier's default");
        assertEquals(300, staging.getStatementTimeoutSeconds(), "unset settings keep their defaults");
        assertEquals(7, staging.getRescueRetentionDays());
        assertEquals(DatabaseTarget.DEFAULT_RESCUE_SCHEMA, staging.getRescueSchema());
        assertEquals(ConnectionLimits.DEFAULTS, staging.settings().toDatabaseTarget().limits(), "the engine's defaults");
        assertEquals("", staging.getOwnerCredentialsId());
        assertTrue(staging.isAllowPipelines(), "other tiers admit Pipelines unless told otherwise");
        assertEquals(24, staging.getEffectiveMaxWaitHours(), "no wait is unbounded");
        assertEquals(8, prod.getEffectiveMaxWaitHours());
    }

    @Test
    void aUrlCarryingAPasswordFailsTheWholeConfiguration(JenkinsRule j) throws Exception {
        apply("configuration-as-code.yaml");

        ConfiguratorException refused = assertThrows(ConfiguratorException.class, () -> apply("password-in-url.yaml"));
        IllegalArgumentException ours = causeOf(refused);
        assertTrue(ours.getMessage().contains("Target 'leaky': The URL must not set 'password'"), ours.getMessage());
        assertFalse(ours.getMessage().contains("Casc-Secret-42"), "our message never repeats the URL");
        assertEquals(List.of("prod-main", "staging"), ProductionScriptTargets.get().names(), "nothing changed");
    }

    /** The refusal of {@link ProductionScriptTargets#setTargets}, however JCasC wraps it. */
    private static IllegalArgumentException causeOf(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException refusal) {
                return refusal;
            }
        }
        throw new AssertionError("no IllegalArgumentException among the causes", thrown);
    }

    @Test
    void twoTargetsWithOneNameFailTheWholeConfiguration(JenkinsRule j) {
        assertThrows(ConfiguratorException.class, () -> apply("duplicate-names.yaml"));
        assertEquals(List.of(), ProductionScriptTargets.get().names());
    }
}
