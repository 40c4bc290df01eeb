package io.prodscript.engine.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.Refusal;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Directive values out of range, and misspelt directives, are refusals naming the line, never a stack trace. */
class DirectiveValuesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-- @expect-rows 1: 99999999999999999999|99999999999999999999 is too large",
        "-- @expect-rows 1: 0..99999999999999999999|99999999999999999999 is too large",
        "-- @expect-rows 99999999999: 1|statement 99999999999 is too large",
        "-- @statement-timeout 9999999999999999d|at most 2147483647ms",
        "-- @statement-timeout 99999999999999999999999ms|at most 2147483647ms",
        "-- @statement-timeout 30d|at most 2147483647ms",
        "-- @lock-timeout 25d|at most 2147483647ms",
        "-- @rescue-retention 9999999999999999d|at most 36500d",
        "-- @expect_rows 1: 1|unknown directive @expect_rows",
    })
    void areRefusedNamingTheLine(String directive, String reason) {
        Refusal refusal = assertThrows(Refusal.class, () -> DirectiveParser.parse("-- @ticket OPS-1\n" + directive + "\nSELECT 1;\n"));
        assertEquals(2, refusal.line().getAsInt(), refusal::getMessage);
        assertTrue(refusal.getMessage().contains(reason), refusal::getMessage);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"2147483647ms|2147483647", "24d|2073600000", "596h|2145600000"})
    void theLongestTimeoutsPostgresqlAcceptsAreAccepted(String value, long millis) {
        Directives directives = DirectiveParser.parse("-- @statement-timeout " + value + "\nSELECT 1;\n").directives();
        assertEquals(Duration.ofMillis(millis), directives.statementTimeout());
    }
}
