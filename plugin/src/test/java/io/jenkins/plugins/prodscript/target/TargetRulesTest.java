package io.jenkins.plugins.prodscript.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The rules a target's settings must follow, tried with the URLs and names administrators actually type. */
class TargetRulesTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "jdbc:postgresql://db.example.com:5432/app",
        "jdbc:postgresql://db.example.com:5432/app?sslmode=verify-full&ApplicationName=x",
        "jdbc:postgresql://host1:5432,host2:5433/app?targetServerType=primary",
        "jdbc:postgresql:app",
        "jdbc:postgresql://[::1]:5432/app",
        "jdbc:postgresql://db/app?options=-c%20search_path%3Dpublic",
    })
    void loginFreePostgresUrlsAreAccepted(String url) {
        assertEquals(Optional.empty(), TargetRules.jdbcUrlProblem(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "jdbc:postgresql://db/app?password=Secret-123",
        "jdbc:postgresql://db/app?sslmode=require&PASSWORD=Secret-123",
        "jdbc:postgresql://db/app?sslpassword=Secret-123",
        "jdbc:postgresql://db/app?pass%77ord=Secret-123",
        "jdbc:postgresql://db/app?user=postgres",
        "jdbc:postgresql://admin:Secret-123@db:5432/app",
        "jdbc:postgresql://admin@db/app",
        "jdbc:postgresql:app?password=Secret-123",
    })
    void urlsCarryingALoginAreRefusedWithoutRepeatingTheSecret(String url) {
        Optional<String> problem = TargetRules.jdbcUrlProblem(url);
        assertTrue(problem.isPresent(), url);
        assertFalse(problem.get().contains("Secret-123"), problem.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "jdbc:mysql://db/app", "postgresql://db/app", "jdbc:postgresql://db/app ?x=1",
        "jdbc:postgresql://db/app?%zz=1"})
    void otherUnusableUrlsAreRefused(String url) {
        assertTrue(TargetRules.jdbcUrlProblem(url).isPresent(), url);
    }

    @Test
    void anAtSignAfterTheHostIsNotALogin() {
        assertEquals(Optional.empty(), TargetRules.jdbcUrlProblem("jdbc:postgresql://db/app?ApplicationName=ops@night"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod-main", "staging_2", "eu.west.1", "A"})
    void namesOfLettersDigitsDotsDashesAndUnderscoresAreAccepted(String name) {
        assertEquals(Optional.empty(), TargetRules.nameProblem(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "prod main", "prod/main", "prød", "x'; DROP", "12345678901234567890123456789012345678901234567890123456789012345"})
    void otherNamesAreRefused(String name) {
        assertTrue(TargetRules.nameProblem(name).isPresent(), name);
    }

    @Test
    void rangesIncludeTheirBounds() {
        assertEquals(Optional.empty(), TargetRules.rangeProblem("Lock timeout (s)", 1, 1, 3600));
        assertEquals(Optional.empty(), TargetRules.rangeProblem("Lock timeout (s)", 3600, 1, 3600));
        assertEquals(Optional.of("Lock timeout (s) must be between 1 and 3600."), TargetRules.rangeProblem("Lock timeout (s)", 0, 1, 3600));
        assertTrue(TargetRules.rangeProblem("Required approvals", -1, 0, 10).isPresent());
    }

    @Test
    void credentialsIdIsRequired() {
        assertTrue(TargetRules.credentialsIdProblem(" ").isPresent());
        assertTrue(TargetRules.credentialsIdProblem(null).isPresent());
        assertEquals(Optional.empty(), TargetRules.credentialsIdProblem("prod-main-db"));
    }

    @Test
    void repeatedNamesAreReportedOnce() {
        assertEquals(List.of("a", "b"), TargetRules.duplicateNames(List.of("a", "b", "a", "b", "a", "c")));
        assertEquals(List.of(), TargetRules.duplicateNames(List.of("a", "b")));
    }

    @Test
    void listsSplitOnCommasAndSpaces() {
        assertEquals(List.of("alice", "bob", "dba"), TargetRules.splitList(" alice, bob  dba,,alice "));
        assertEquals(List.of(), TargetRules.splitList(null));
        assertEquals(List.of(), TargetRules.splitList(" , "));
    }

    @Test
    void aFolderEntryAdmitsItsJobsButNotAJobWhoseNameMerelyStartsTheSame() {
        List<String> allowed = List.of("team/", "ops/fix-accounts");
        assertTrue(TargetRules.jobAllowed(allowed, "team/fix"));
        assertTrue(TargetRules.jobAllowed(allowed, "team/sub/fix"));
        assertTrue(TargetRules.jobAllowed(allowed, "ops/fix-accounts"));
        assertFalse(TargetRules.jobAllowed(allowed, "teamwork/fix"));
        assertFalse(TargetRules.jobAllowed(allowed, "team"));
        assertFalse(TargetRules.jobAllowed(allowed, "ops/fix-accounts-2"));
        assertTrue(TargetRules.jobAllowed(List.of(), "anything"), "an empty list admits every job");
    }

    @Test
    void anAgentNeedsOneOfTheAllowedLabels() {
        assertTrue(TargetRules.agentAllowed(List.of("db-runners", "built-in"), Set.of("linux", "built-in")));
        assertFalse(TargetRules.agentAllowed(List.of("db-runners"), Set.of("linux", "db-runners-old")));
        assertFalse(TargetRules.agentAllowed(List.of("db-runners"), Set.of()), "an agent that is gone has no labels");
        assertTrue(TargetRules.agentAllowed(List.of(), Set.of()), "an empty list admits every agent");
    }

    @Test
    void rehearseOnMustNameAnotherNonProductionTarget() {
        Map<String, String> tiers = Map.of("prod-main", "production", "prod-eu", "Production", "staging", "staging");
        assertEquals(Optional.empty(), TargetRules.rehearseOnProblem("prod-main", "staging", tiers));
        assertEquals(Optional.empty(), TargetRules.rehearseOnProblem("prod-main", "", tiers));
        assertTrue(TargetRules.rehearseOnProblem("prod-main", "prod-main", tiers).isPresent());
        assertTrue(TargetRules.rehearseOnProblem("prod-main", "nowhere", tiers).isPresent());
        assertTrue(TargetRules.rehearseOnProblem("prod-main", "prod-eu", tiers).isPresent(),
                "the tier is compared as the engine compares it, in any case");
    }

    @Test
    void blankTierIsProduction() {
        assertTrue(TargetRules.isProduction(null));
        assertTrue(TargetRules.isProduction(" "));
        assertTrue(TargetRules.isProduction("PRODUCTION"));
        assertFalse(TargetRules.isProduction("staging"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rescue", "rescue_main", "_rescue2"})
    void plainSchemaNamesMayHoldRescueTables(String schema) {
        assertEquals(Optional.empty(), TargetRules.rescueSchemaProblem(schema));
    }

    /** public would lose PUBLIC's rights at installation; the others are the ledger's or the server's. */
    @ParameterizedTest
    @ValueSource(strings = {"public", "script_runner", "pg_catalog", "pg_temp", "information_schema"})
    void sharedSchemasCannotHoldRescueTables(String schema) {
        assertTrue(TargetRules.rescueSchemaProblem(schema).orElseThrow().contains("schema of its own"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Rescue", "1rescue", "res cue", "rescue;drop", "\"rescue\""})
    void namesThatNeedQuotingAreRefused(String schema) {
        assertTrue(TargetRules.rescueSchemaProblem(schema).orElseThrow().contains("plain lower-case name"));
    }
}
