package io.prodscript.engine.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.Refusal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DirectiveParserTest {
    @Test
    void readsEveryDirective() {
        Directives d = DirectiveParser.parse("""
                -- @description close duplicate accounts
                -- @ticket OPS-42
                -- an ordinary comment between directives
                -- @expect-rows 1: 1..10
                -- @expect-rows public.accounts: 3
                -- @expect-rows #2: 5..
                -- @assert SELECT count(*) = 0 FROM accounts WHERE dup
                -- @statement-timeout 30s
                -- @lock-timeout 500ms
                -- @allow-full-table
                -- @allow-destructive
                -- @rescue none: the table is rebuilt nightly
                -- @rescue-retention 14d

                UPDATE accounts SET dup = false WHERE id = 1;
                """).directives();
        assertEquals("close duplicate accounts", d.description());
        assertEquals("OPS-42", d.ticket());
        assertEquals(3, d.expectedRows().size());
        Directives.RowExpectation first = d.expectedRows().get(0);
        assertEquals(4, first.line());
        assertEquals(1, first.statement());
        assertEquals(1, first.min());
        assertEquals(10L, first.max());
        assertEquals("public.accounts", d.expectedRows().get(1).table());
        assertEquals(3L, d.expectedRows().get(1).max());
        assertNull(d.expectedRows().get(2).max());
        assertTrue(d.expectedRows().get(2).accepts(1_000_000));
        assertFalse(first.accepts(11));
        assertEquals("SELECT count(*) = 0 FROM accounts WHERE dup", d.assertions().get(0).sql());
        assertEquals(7, d.assertions().get(0).line());
        assertEquals(Duration.ofSeconds(30), d.statementTimeout());
        assertEquals(Duration.ofMillis(500), d.lockTimeout());
        assertTrue(d.allowFullTable());
        assertTrue(d.allowDestructive());
        assertEquals("the table is rebuilt nightly", d.rescueNone());
        assertEquals(Duration.ofDays(14), d.rescueRetention());
    }

    @Test
    void aScriptWithoutDirectivesHasDefaults() {
        Directives d = DirectiveParser.parse("DELETE FROM t WHERE id = 1;").directives();
        assertNull(d.description());
        assertTrue(d.expectedRows().isEmpty());
        assertFalse(d.allowFullTable());
        assertNull(d.statementTimeout());
    }

    private static Refusal refusal(String text) {
        return assertThrows(Refusal.class, () -> DirectiveParser.parse(text));
    }

    @Test
    void unknownDirectiveNamesItsLine() {
        Refusal r = refusal("-- @description x\n\n-- @allow-everything\nSELECT 1;");
        assertEquals(3, r.line().getAsInt());
        assertTrue(r.getMessage().contains("unknown directive @allow-everything"));
    }

    @Test
    void malformedDirectivesNameTheirLine() {
        assertEquals(1, refusal("-- @statement-timeout soon\nSELECT 1;").line().getAsInt());
        assertEquals(2, refusal("-- @ticket A\n-- @expect-rows accounts 5\nSELECT 1;").line().getAsInt());
        assertEquals(1, refusal("-- @expect-rows 1: 5..2\nSELECT 1;").line().getAsInt());
        assertEquals(1, refusal("-- @expect-rows 0: 1\nSELECT 1;").line().getAsInt());
        assertEquals(1, refusal("-- @allow-full-table yes\nSELECT 1;").line().getAsInt());
        assertEquals(1, refusal("-- @rescue maybe\nSELECT 1;").line().getAsInt());
        assertEquals(1, refusal("-- @description\nSELECT 1;").line().getAsInt());
        assertEquals(1, refusal("-- @lock-timeout 0s\nSELECT 1;").line().getAsInt());
        assertEquals(2, refusal("-- @ticket A\n-- @ticket B\nSELECT 1;").line().getAsInt());
    }

    @Test
    void directivesBelowTheFirstStatementAreRefused() {
        Refusal r = refusal("SELECT 1;\n-- @assert SELECT true\n");
        assertEquals(2, r.line().getAsInt());
        assertTrue(r.getMessage().contains("top of the script"));
    }

    @Test
    void revertSectionIsSplitOffWithItsLineNumbers() {
        ScriptSections s = DirectiveParser.parse("UPDATE t SET a = 2 WHERE id = 1;\n-- @revert\nUPDATE t SET a = 1 WHERE id = 1;\n");
        assertEquals("UPDATE t SET a = 2 WHERE id = 1;", s.body());
        assertEquals("UPDATE t SET a = 1 WHERE id = 1;\n", s.revert());
        assertEquals(3, s.revertLine());
    }

    @Test
    void emptyRevertSectionIsRefused() {
        assertEquals(2, refusal("SELECT 1;\n-- @revert\n\n").line().getAsInt());
    }

    @Test
    void readsAcknowledgementsOfFunctionsAndTriggers() {
        Directives d = DirectiveParser.parse("""
                -- @functions-reviewed normalize_email: pure, writes nothing
                -- @functions-reviewed app."Odd Name" : reads only
                -- @triggers-fire orders_audit: writes audit rows, acceptable
                -- @triggers-suppressed the reversal puts rows back as they were
                SELECT 1;
                """).directives();
        assertEquals(new Directives.Acknowledgement(1, "normalize_email", "pure, writes nothing"), d.functionsReviewed().get(0));
        assertEquals(new Directives.Acknowledgement(2, "app.\"Odd Name\"", "reads only"), d.functionsReviewed().get(1));
        assertEquals(new Directives.Acknowledgement(3, "orders_audit", "writes audit rows, acceptable"), d.triggersFire().get(0));
        assertEquals("the reversal puts rows back as they were", d.triggersSuppressed());
    }

    @Test
    void anAcknowledgementNeedsANameAndAReason() {
        for (String line : new String[] {"-- @functions-reviewed bump", "-- @triggers-fire orders_audit:", "-- @triggers-fire : why",
            "-- @triggers-suppressed"}) {
            Refusal refusal = assertThrows(Refusal.class, () -> DirectiveParser.parse(line + "\nSELECT 1;\n"), line);
            assertEquals(1, refusal.line().getAsInt());
        }
    }
}
