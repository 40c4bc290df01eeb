package io.prodscript.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.testing.Scripts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hundreds of statements across PostgreSQL's SQL command reference ({@code postgresql-commands.txt}), each with the
 * kind it must be planned as or the refusal it must get. It keeps the kind of bug of issue 11 fixed: valid
 * PostgreSQL is planned from its keywords, whatever a general-purpose SQL parser makes of it.
 */
class PostgresqlCommandCorpusTest {
    private static final String PERMISSIVE = "-- @allow-full-table\n-- @allow-destructive\n-- @rescue none: corpus\n";
    /** What a refusal must never show: a Java exception, or a parser's token dump. */
    private static final Pattern INTERNALS = Pattern.compile(
            "Exception|Error|Encountered|<S_|Was expecting|TokenMgr|Lexical|\\bat line\\b|\\bcolumn \\d");

    static Stream<Arguments> corpus() throws IOException {
        try (InputStream in = PostgresqlCommandCorpusTest.class.getResourceAsStream("postgresql-commands.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> {
                        int bar = l.indexOf(" | ");
                        return Arguments.of(l.substring(0, bar).strip(), l.substring(bar + 3).strip());
                    })
                    .toList().stream();
        }
    }

    @Test
    void theCorpusIsBroad() throws IOException {
        List<Arguments> all = corpus().toList();
        assertTrue(all.size() >= 300, "statements: " + all.size());
        for (StatementKind kind : StatementKind.values()) {
            assertTrue(all.stream().anyMatch(a -> a.get()[0].toString().startsWith(kind.name())), kind::name);
        }
    }

    @ParameterizedTest(name = "{0} | {1}")
    @MethodSource("corpus")
    void eachStatementIsPlannedOrRefusedAsPostgresqlMeansIt(String expected, String sql) {
        if (expected.startsWith("REFUSED:")) {
            Refusal r = assertThrows(Refusal.class, () -> Scripts.plan("-- @rescue none: corpus\nSELECT 1;\n" + sql + "\n;"));
            assertTrue(r.getMessage().contains(expected.substring("REFUSED:".length())), r::getMessage);
            assertEquals(3, r.line().orElse(-1), r::getMessage);
            assertPlain(r);
            return;
        }
        StatementKind kind = StatementKind.valueOf(expected.replaceAll("[*!]$", ""));
        Plan plan = plan(ScriptEngine.create().withoutRescue(), PERMISSIVE + sql + "\n;");
        assertEquals(1, plan.statements().size(), () -> String.valueOf(plan.statements()));
        assertEquals(kind, plan.statements().get(0).kind(), sql);
        assertEquals(sql, plan.statements().get(0).sql());
        if (kind == StatementKind.INSERT || kind == StatementKind.UPDATE || kind == StatementKind.DELETE) {
            String withRescue = "-- @allow-full-table\n" + sql + "\n;";
            if (expected.endsWith("*") || expected.endsWith("!")) {
                Refusal r = assertThrows(Refusal.class, () -> ScriptEngine.create().plan(Scripts.script(withRescue)));
                assertTrue(!expected.endsWith("*") || r.getMessage().contains("rescue cannot read it"), r::getMessage);
                assertTrue(r.getMessage().contains("@rescue none") && r.getMessage().contains("@revert"), r::getMessage);
                assertPlain(r);
            } else {
                plan(ScriptEngine.create(), withRescue);
            }
        }
    }

    private static Plan plan(ScriptEngine engine, String sql) {
        try {
            return engine.plan(Scripts.script(sql));
        } catch (Refusal r) {
            throw new AssertionError("refused: " + r.getMessage(), r);
        }
    }

    private static void assertPlain(Refusal r) {
        assertFalse(INTERNALS.matcher(r.getMessage()).find(), r::getMessage);
        assertTrue(r.getMessage().startsWith("line "), r::getMessage);
    }
}
