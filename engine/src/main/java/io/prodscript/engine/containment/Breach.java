package io.prodscript.engine.containment;

/**
 * Why a run may not start: something in the script would act outside the run's transaction or out of the
 * approvers' sight.
 *
 * @param statement the statement number, or null when it is a directive (an {@code @assert}) or the whole script
 * @param line      the script line, or null
 * @param reason    what is refused and what the script can do about it; names objects, never row values
 */
public record Breach(Integer statement, Integer line, String reason) {
}
