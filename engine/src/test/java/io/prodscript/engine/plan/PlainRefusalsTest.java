package io.prodscript.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.sql.SqlParser;
import io.prodscript.engine.testing.Scripts;
import org.junit.jupiter.api.Test;

/** Refusals name the line, what was found and what to do, in words; never an exception or a parser's tokens. */
class PlainRefusalsTest {
    private static Refusal refusal(String sql) {
        Refusal r = assertThrows(Refusal.class, () -> Scripts.plan(sql));
        assertFalse(r.getMessage().matches("(?s).*(Exception|Error|Encountered|Lexical|<S_).*"), r::getMessage);
        return r;
    }

    @Test
    void copyFromStdinIsRefusedAtTheCopyLineNotAtItsData() {
        Refusal r = refusal("SELECT 1;\nCOPY orders (id, note) FROM STDIN;\n1\tit's; here\n2\t\\N\n\\.\nSELECT 2;\n");
        assertEquals(2, r.line().getAsInt(), r::getMessage);
        assertTrue(r.getMessage().contains("COPY is not allowed"), r::getMessage);
        assertTrue(r.getMessage().contains("INSERT"), r::getMessage);
    }

    @Test
    void createIndexConcurrentlyIsNamedAsWritten() {
        Refusal r = refusal("-- @rescue none: index\nCREATE UNIQUE INDEX CONCURRENTLY orders_email ON customers (email);");
        assertTrue(r.getMessage().startsWith("line 2: CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction"),
                r::getMessage);
    }

    @Test
    void truncateAdviceLeadsToAPlanThatIsAccepted() {
        Refusal r = refusal("TRUNCATE sessions;");
        assertTrue(r.getMessage().contains("DELETE FROM") && r.getMessage().contains("@rescue none"), r::getMessage);
        // Each way the refusal offers is accepted: DELETE with @allow-full-table, or TRUNCATE without a way back.
        Scripts.plan("-- @allow-full-table\nDELETE FROM sessions;");
        Scripts.plan("-- @allow-full-table\n-- @rescue none: sessions are recreated at login\nTRUNCATE sessions;");
    }

    @Test
    void setRoleAdviceIsAboutTheLoginNotTimeouts() {
        String message = refusal("SET ROLE admin;").getMessage();
        assertTrue(message.contains("login") && !message.contains("timeout"), message);
    }

    @Test
    void psqlVariablesAreRefusedAtPlanTimeWithTheirLine() {
        Refusal r = refusal("-- @description fix one customer\nUPDATE customers\n   SET email = 'x'\n WHERE id = :cust_id;");
        assertEquals(4, r.line().getAsInt(), r::getMessage);
        assertTrue(r.getMessage().contains(":cust_id is a psql variable"), r::getMessage);
        assertEquals(1, refusal("SELECT * FROM t WHERE a = :'name';").line().getAsInt());
        assertEquals(1, refusal("SELECT * FROM :\"table\";").line().getAsInt());
    }

    @Test
    void colonsThatAreNotPsqlVariablesAreFine() {
        Plan plan = Scripts.plan("-- @rescue none: reads\nSELECT a::text, b[1:2], b[lo:hi], '10:30'::time, make_interval(days => 1),"
                + " f(x := 1) FROM t; -- :not_a_variable\n/* :nor_this */ SELECT $$ :inside $$;");
        assertEquals(2, plan.statements().size());
    }

    @Test
    void aStatementTooDeeplyNestedForRescueIsRefusedByAFixedLimitInASentence() {
        String nested = "(".repeat(SqlParser.MAX_DEPTH + 1) + "1" + ")".repeat(SqlParser.MAX_DEPTH + 1);
        String sql = "UPDATE orders SET total = " + nested + " WHERE id = 1;";
        Refusal r = assertThrows(Refusal.class, () -> ScriptEngine.create().plan(Scripts.script(sql)));
        assertTrue(r.getMessage().contains("nests parentheses " + (SqlParser.MAX_DEPTH + 1) + " deep"), r::getMessage);
        assertTrue(r.getMessage().contains("@rescue none"), r::getMessage);
        assertEquals(StatementKind.UPDATE, Scripts.plan("-- @rescue none: generated\n" + sql).statements().get(0).kind());
    }

    @Test
    void nestingThatMadeTheOldParserBacktrackForSecondsIsReadOrRefusedAtOnce() {
        // Ten levels took JSqlParser's backtracking mode about a second; each level doubles it.
        String nested = "(".repeat(12) + "id" + ")".repeat(12);
        Plan plan = Scripts.plan("-- @rescue none: generated\nUPDATE orders SET total = 1 WHERE " + nested + " = 1;");
        assertEquals(StatementKind.UPDATE, plan.statements().get(0).kind());
    }

    @Test
    void unreadableDataChangesGetASentenceAboutRescue() {
        Refusal r = assertThrows(Refusal.class, () -> ScriptEngine.create().plan(Scripts.script(
                "-- @description collation\n-- @ticket OPS-1\nUPDATE orders SET note = note COLLATE \"C\" WHERE id = 1;")));
        assertEquals(3, r.line().getAsInt());
        assertTrue(r.getMessage().contains("cannot be saved for a reversal: rescue cannot read it"), r::getMessage);
        assertTrue(r.getMessage().contains("'-- @rescue none: <reason>'"), r::getMessage);
        assertFalse(r.getMessage().contains("Encountered"), r::getMessage);
    }

    @Test
    void anUnknownFirstWordIsNamed() {
        Refusal r = refusal("UPDTAE orders SET status = 'x' WHERE id = 1;");
        assertEquals("line 1: 'UPDTAE' does not start a PostgreSQL command; check the statement for a typo or a missing"
                + " semicolon before it", r.getMessage());
    }
}
