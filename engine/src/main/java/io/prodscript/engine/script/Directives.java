package io.prodscript.engine.script;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;

/**
 * What a script says about itself in the {@code -- @name value} comments at its top. See {@code docs/script-format.md}.
 *
 * @param description       {@code @description}: what the script is for, or null
 * @param ticket            {@code @ticket}: the issue it belongs to, or null
 * @param expectedRows      {@code @expect-rows}: row counts that must hold, or the run rolls back
 * @param assertions        {@code @assert}: queries that must return true after the last statement
 * @param statementTimeout  {@code @statement-timeout}, or null for the target's default
 * @param lockTimeout       {@code @lock-timeout}, or null for the target's default
 * @param allowFullTable    {@code @allow-full-table}: UPDATE and DELETE without WHERE are intended
 * @param allowDestructive  {@code @allow-destructive}: DROP SCHEMA and DROP/TRUNCATE … CASCADE are intended
 * @param rescueNone        {@code @rescue none: reason}: the script runs without a way back, for this reason; or null
 * @param rescueRetention   {@code @rescue-retention}: how long rescue tables are kept, or null for the target's default
 * @param functionsReviewed {@code @functions-reviewed name: reason}: user-defined VOLATILE functions the script may call
 * @param triggersFire      {@code @triggers-fire name: reason}: triggers the script's writes may fire
 * @param triggersSuppressed {@code @triggers-suppressed <reason>}: a reversal runs with triggers suppressed, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Directives(
        String description,
        String ticket,
        List<RowExpectation> expectedRows,
        List<Assertion> assertions,
        Duration statementTimeout,
        Duration lockTimeout,
        boolean allowFullTable,
        boolean allowDestructive,
        String rescueNone,
        Duration rescueRetention,
        List<Acknowledgement> functionsReviewed,
        List<Acknowledgement> triggersFire,
        String triggersSuppressed) {

    public Directives {
        expectedRows = List.copyOf(expectedRows);
        assertions = List.copyOf(assertions);
        functionsReviewed = List.copyOf(functionsReviewed);
        triggersFire = List.copyOf(triggersFire);
    }

    /**
     * {@code @expect-rows}: the rows affected by one statement (by number) or by all statements writing one table
     * must lie in {@code [min, max]}.
     *
     * @param line      the directive's line in the script
     * @param statement the statement number (1-based), or null when a table is named
     * @param table     the table, as written, or null when a statement number is given
     * @param min       the smallest acceptable count
     * @param max       the largest acceptable count, or null for no upper bound
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RowExpectation(int line, Integer statement, String table, long min, Long max) {
        public boolean accepts(long rows) {
            return rows >= min && (max == null || rows <= max);
        }

        public String range() {
            return max == null ? min + ".." : min == max ? String.valueOf(min) : min + ".." + max;
        }

        public String subject() {
            return statement != null ? "statement " + statement : "table " + table;
        }
    }

    /**
     * {@code @assert}: a query returning exactly one boolean, which must be true after the last statement.
     *
     * @param line the directive's line in the script
     * @param sql  the query
     */
    public record Assertion(int line, String sql) {
    }

    /**
     * A database object the script names on purpose, with the author's reason, for approvers to read:
     * {@code @functions-reviewed} and {@code @triggers-fire}.
     *
     * @param line   the directive's line in the script
     * @param name   the object's name as written, e.g. {@code normalize_email} or {@code app.orders_audit}
     * @param reason why it is acceptable
     */
    public record Acknowledgement(int line, String name, String reason) {
    }
}
