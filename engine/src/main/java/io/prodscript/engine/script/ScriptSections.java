package io.prodscript.engine.script;

/**
 * A script's text split at its optional {@code -- @revert} line. Both parts keep their place in the file, so line
 * numbers reported for either are the file's own.
 *
 * @param directives the directives from the script's top
 * @param body       the forward script: the text before {@code -- @revert} (the whole text when there is none)
 * @param revert     the hand-written reversal after {@code -- @revert}, or null
 * @param revertLine the line of the first line after {@code -- @revert}, or 0 when there is no reversal section
 */
public record ScriptSections(Directives directives, String body, String revert, int revertLine) {
}
