package io.prodscript.engine.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.prodscript.engine.script.Directives;
import java.util.List;

/**
 * What running a script would do, decided before any database is touched: the value that reviewers see, that
 * approvals are bound to (through the checksum) and that execution follows.
 *
 * @param scriptPath the script's path relative to the checkout
 * @param checksum   SHA-256 of the script's bytes
 * @param directives what the script's header says
 * @param statements the statements in order
 * @param revertSql  the script's own {@code -- @revert} section, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Plan(String scriptPath, String checksum, Directives directives, List<PlannedStatement> statements, String revertSql) {
    public Plan {
        statements = List.copyOf(statements);
    }
}
