package io.prodscript.engine.execution;

/**
 * The outcome of one {@code @expect-rows} or {@code @assert} directive.
 *
 * @param directive   {@code expect-rows} or {@code assert}
 * @param line        the directive's line in the script
 * @param description what was checked, e.g. {@code statement 2 affects 1..10 rows}
 * @param passed      whether it held
 * @param actual      what was found, e.g. {@code 12 rows} or {@code false}
 */
public record CheckResult(String directive, int line, String description, boolean passed, String actual) {
}
