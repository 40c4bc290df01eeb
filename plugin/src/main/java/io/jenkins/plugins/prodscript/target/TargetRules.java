package io.jenkins.plugins.prodscript.target;

import io.prodscript.engine.approval.ApprovalPolicy;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What makes a target's settings acceptable, in plain Java so that the form checks, the configuration page and
 * Configuration as Code apply the same rules and can be tested without Jenkins. Every message is a sentence an
 * administrator can act on; none repeats the JDBC URL, which may carry the very secret it refuses.
 */
public final class TargetRules {
    static final String URL_PREFIX = "jdbc:postgresql:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** An unquoted PostgreSQL identifier as the server folds it: what a DBA can type without quotes. */
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /**
     * Schemas rescue tables must never share: installing a rescue schema revokes PUBLIC's rights on it, which would
     * lock the application out of {@code public}; the ledger's own schema and the catalogs are the engine's and the
     * server's.
     */
    private static final Set<String> RESERVED_SCHEMAS = Set.of("public", "script_runner", "information_schema");
    /**
     * URL parameters that would put a login into the URL. PgJDBC lets URL parameters override the connection
     * properties, so a {@code user=} in the URL would even replace the credential's user.
     */
    private static final Set<String> LOGIN_PARAMETERS = Set.of("user", "password", "sslpassword");

    private TargetRules() {
    }

    /** Why {@code name} cannot name a target, or empty when it can. */
    public static Optional<String> nameProblem(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of("Give the target a name, e.g. prod-main.");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("A target name has 1 to 64 letters, digits, '.', '_' or '-' (no spaces).");
        }
        return Optional.empty();
    }

    /**
     * Why {@code url} cannot be a target's JDBC URL, or empty when it can: it must be a PostgreSQL URL and carry no
     * login: no {@code user:secret@} before the host, no {@code user=}, {@code password=} or {@code sslpassword=}
     * parameter (parameter names are compared decoded and in any case, as the driver reads them).
     */
    public static Optional<String> jdbcUrlProblem(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("Give the JDBC URL, e.g. jdbc:postgresql://db.example.com:5432/app.");
        }
        if (!url.startsWith(URL_PREFIX)) {
            return Optional.of("The URL must start with " + URL_PREFIX + " (only PostgreSQL is supported).");
        }
        if (url.chars().anyMatch(Character::isWhitespace)) {
            return Optional.of("The URL must not contain spaces or line breaks.");
        }
        String rest = url.substring(URL_PREFIX.length());
        int query = rest.indexOf('?');
        String location = query < 0 ? rest : rest.substring(0, query);
        if (location.startsWith("//")) {
            String authority = location.substring(2).split("/", 2)[0];
            if (authority.contains("@")) {
                return Optional.of("The URL must not carry a user or password before the host (user:secret@host);"
                        + " the login comes from the credential.");
            }
        }
        if (query >= 0) {
            for (String parameter : rest.substring(query + 1).split("&")) {
                String key = parameter.split("=", 2)[0];
                String decoded;
                try {
                    decoded = URLDecoder.decode(key, StandardCharsets.UTF_8).strip().toLowerCase(Locale.ROOT);
                } catch (IllegalArgumentException e) {
                    return Optional.of("The URL has a malformed parameter name (a '%' not followed by two hex digits).");
                }
                if (LOGIN_PARAMETERS.contains(decoded)) {
                    return Optional.of("The URL must not set '" + decoded + "'; the login comes from the credential,"
                            + " so no password is ever written into the configuration or the build log.");
                }
            }
        }
        return Optional.empty();
    }

    /** Why {@code credentialsId} cannot be used, or empty when it can. */
    public static Optional<String> credentialsIdProblem(String credentialsId) {
        return credentialsId == null || credentialsId.isBlank()
                ? Optional.of("Choose the Username with password credential the target is logged in with.")
                : Optional.empty();
    }

    /** Why {@code schema} cannot hold a target's rescue tables, or empty when it can. */
    public static Optional<String> rescueSchemaProblem(String schema) {
        if (schema == null || !SCHEMA.matcher(schema).matches()) {
            return Optional.of("The rescue schema is a plain lower-case name: letters, digits and '_', at most 63,"
                    + " not starting with a digit (e.g. rescue).");
        }
        if (RESERVED_SCHEMAS.contains(schema) || schema.startsWith("pg_")) {
            return Optional.of("The rescue schema must be a schema of its own, not '" + schema + "': installing it revokes"
                    + " PUBLIC's rights on it.");
        }
        return Optional.empty();
    }

    /** Why {@code value} cannot be the setting called {@code what}, or empty when it lies in [min, max]. */
    public static Optional<String> rangeProblem(String what, long value, long min, long max) {
        return value < min || value > max
                ? Optional.of(what + " must be between " + min + " and " + max + ".")
                : Optional.empty();
    }

    /** Names that occur more than once, in order of first repetition. */
    public static List<String> duplicateNames(List<String> names) {
        Set<String> seen = new LinkedHashSet<>();
        Set<String> repeated = new LinkedHashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                repeated.add(name);
            }
        }
        return new ArrayList<>(repeated);
    }

    /**
     * Whether a job may use a target: {@code allowed} lists job full names ({@code team/fix-accounts}) and folders
     * ({@code team/}, everything inside); an empty list admits every job. A folder entry never matches a job whose name
     * merely starts the same way ({@code team/} does not admit {@code teamwork/x}).
     */
    public static boolean jobAllowed(List<String> allowed, String jobFullName) {
        if (allowed.isEmpty()) {
            return true;
        }
        for (String entry : allowed) {
            if (entry.endsWith("/") ? jobFullName.startsWith(entry) : jobFullName.equals(entry)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an agent may run scripts on a target: {@code allowed} lists labels (an agent's own name is one of its
     * labels); an empty list admits every agent.
     */
    public static boolean agentAllowed(List<String> allowed, Set<String> agentLabels) {
        return allowed.isEmpty() || allowed.stream().anyMatch(agentLabels::contains);
    }

    /**
     * Why target {@code name} of tier {@code tier} cannot rehearse on {@code rehearseOn}, or empty when it can: the
     * rehearsal target must be another configured target, and not itself a production one (which would bring back the
     * very risk the option removes).
     *
     * @param tierOf the tier of each configured target by name
     */
    public static Optional<String> rehearseOnProblem(String name, String rehearseOn, Map<String, String> tierOf) {
        if (rehearseOn == null || rehearseOn.isBlank()) {
            return Optional.empty();
        }
        if (rehearseOn.equals(name)) {
            return Optional.of("'Rehearse on' must name another target, not the target itself.");
        }
        String tier = tierOf.get(rehearseOn);
        if (tier == null) {
            return Optional.of("'Rehearse on' names '" + rehearseOn + "', which is not a configured target.");
        }
        if (isProduction(tier)) {
            return Optional.of("'Rehearse on' must name a target that is not of the production tier.");
        }
        return Optional.empty();
    }

    /** Whether {@code tier} is the production tier, compared as the engine's approval policy compares it. */
    public static boolean isProduction(String tier) {
        return tier == null || tier.isBlank() || ApprovalPolicy.PRODUCTION_TIER.equalsIgnoreCase(tier.strip());
    }

    /** The entries of a comma- or whitespace-separated list (approvers, groups), without blanks or repeats. */
    public static List<String> splitList(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split("[,\\s]+")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }
}
