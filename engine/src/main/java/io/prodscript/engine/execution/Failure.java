package io.prodscript.engine.execution;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Why a run did not succeed.
 *
 * @param statement the statement number that failed, or null when the failure is not one statement's
 * @param line      the script line of the failing statement or directive, or null
 * @param reason    what went wrong, in words; never row data or secrets
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Failure(Integer statement, Integer line, String reason) {
    /** {@code statement 2 (line 7): reason}, {@code line 3: reason} or just the reason. */
    public String describe() {
        if (statement != null) {
            return "statement " + statement + (line != null ? " (line " + line + ")" : "") + ": " + reason;
        }
        return line != null ? "line " + line + ": " + reason : reason;
    }
}
