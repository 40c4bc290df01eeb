package io.prodscript.engine.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionCallsTest {
    private static List<String> calls(String sql) {
        return FunctionCalls.in(sql).stream().map(c -> c.written() + "@" + c.line()).toList();
    }

    @Test
    void plainQuotedAndQualifiedNamesFollowedByAParenthesisAreCalls() {
        assertEquals(List.of("setval@0", "set_config@0", "pg_catalog.setval@1", "Odd Name@1", "s.f@2"),
                calls("SELECT setval (1), \"set_config\"(2),\n PG_CATALOG . setval(3), \"Odd Name\"(4)\n, s.\"f\"(5)"));
    }

    @Test
    void unicodeEscapedNamesAreReadAsPostgresqlReadsThem() {
        assertEquals(List.of("setval@0", "pg_catalog.set_config@0", "f\\x@1"),
                calls("SELECT U&\"\\0073etval\"('s', 1), u&\"pg_catalog\".U&\"!0073et_config\" UESCAPE '!'(2),\n U&\"f\\\\x\"(3)"));
    }

    @Test
    void stringsCommentsAndQuotedBodiesHideNames() {
        assertEquals(List.of("f@3"), calls("SELECT 'setval(', E'\\' bump(', U&'x(' , $q$ g( $q$ -- h(\n"
                + "/* i( /* nested j( */ k( */ $$ l( $$\n\n, f(1)"));
    }

    @Test
    void tablesTypesAndDefinitionsAreNotCalls() {
        assertEquals(List.of("values@0", "nextval@0", "cast@0"),
                calls("INSERT INTO t (a, b) VALUES (nextval('s'), CAST(1 AS numeric(10, 2)))"));
    }

    @Test
    void theBodiesOfFunctionsAScriptCreatesAreReadForCalls() {
        assertEquals(List.of("g@0"), calls("CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT g(x) $$"));
        assertEquals(List.of("setval@1"), calls("CREATE OR REPLACE PROCEDURE p() LANGUAGE sql\nAS 'SELECT setval(''s'', 1)'"));
        assertEquals(List.of(), calls("CREATE VIEW v AS SELECT $$ g(x) $$"));
    }

    @Test
    void theFunctionAStatementDefinesIsNamedAsACallWouldName() {
        assertEquals("f", FunctionCalls.defined("CREATE FUNCTION f(x int) RETURNS int AS 'SELECT 1'").orElseThrow().written());
        assertEquals("app.f", FunctionCalls.defined("create or replace procedure App.\"f\"() AS 'SELECT 1'").orElseThrow().written());
        assertEquals("app.g", FunctionCalls.defined("ALTER ROUTINE app.f(int) RENAME TO g").orElseThrow().written());
        assertEquals(List.of(), FunctionCalls.defined("CREATE TABLE f (x int)").stream().toList());
    }
}
