package io.prodscript.engine.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.Refusal;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {
    @Test
    void splitsAtSemicolonsAndRecordsEachStatementsFirstLine() {
        List<SqlStatement> s = StatementSplitter.split("-- header\nSELECT 1;\n\n  UPDATE t\n  SET a = 1 WHERE b = 2;\nDELETE FROM t WHERE a = 3", 1);
        assertEquals(3, s.size());
        assertEquals(2, s.get(0).line());
        assertEquals("SELECT 1", s.get(0).text());
        assertEquals(4, s.get(1).line());
        assertEquals("UPDATE t\n  SET a = 1 WHERE b = 2", s.get(1).text());
        assertEquals(6, s.get(2).line());
        assertEquals(List.of("DELETE", "FROM", "T", "WHERE", "A"), s.get(2).words());
    }

    @Test
    void semicolonsInsideStringsCommentsAndBodiesDoNotSplit() {
        String sql = """
                INSERT INTO notes VALUES ('a;b', 'it''s; fine', E'back\\\\slash\\'; quote');
                /* block ; /* nested ; */ still comment ; */ SELECT "odd;name" FROM t; -- trailing ; comment
                CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;
                DO $$ BEGIN PERFORM 1; END $$;
                SELECT $1, a$b FROM t
                """;
        List<SqlStatement> s = StatementSplitter.split(sql, 1);
        assertEquals(5, s.size(), () -> s.toString());
        assertTrue(s.get(0).text().endsWith("quote')"));
        assertEquals(2, s.get(1).line());
        assertEquals(List.of("SELECT", "FROM", "T"), s.get(1).words());
        assertTrue(s.get(2).text().endsWith("LANGUAGE plpgsql"));
        assertEquals(List.of("DO"), s.get(3).words());
        assertEquals(5, s.get(4).line());
    }

    @Test
    void firstLineOffsetIsApplied() {
        assertEquals(12, StatementSplitter.split("\n\nSELECT 1", 10).get(0).line());
    }

    @Test
    void psqlMetaCommandsAreRefusedWithTheirLine() {
        Refusal r = assertThrows(Refusal.class, () -> StatementSplitter.split("SELECT 1;\n\\set ON_ERROR_STOP on\n", 1));
        assertEquals(2, r.line().getAsInt());
        assertTrue(r.getMessage().contains("\\set"));
        assertEquals(1, assertThrows(Refusal.class, () -> StatementSplitter.split("\\i other.sql", 1)).line().getAsInt());
    }

    @Test
    void unterminatedLexicalElementsAreRefusedWhereTheyStart() {
        assertEquals(2, assertThrows(Refusal.class, () -> StatementSplitter.split("SELECT 1;\nSELECT 'open;\n", 1)).line().getAsInt());
        assertEquals(1, assertThrows(Refusal.class, () -> StatementSplitter.split("/* open\n", 1)).line().getAsInt());
        assertEquals(1, assertThrows(Refusal.class, () -> StatementSplitter.split("DO $x$ BEGIN END $y$;", 1)).line().getAsInt());
        assertEquals(1, assertThrows(Refusal.class, () -> StatementSplitter.split("SELECT \"open", 1)).line().getAsInt());
    }

    @Test
    void commentsOnlyGiveNoStatements() {
        assertTrue(StatementSplitter.split("-- nothing\n/* here */ ;;\n", 1).isEmpty());
    }

    @Test
    void aBeginAtomicRoutineBodyIsOneStatementAsInPsql() {
        List<SqlStatement> s = StatementSplitter.split("CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC\n"
                + "  UPDATE t SET a = CASE WHEN a > 0 THEN 1 ELSE 2 END;\n  DELETE FROM t WHERE a = 2;\nEND;\nSELECT 1;", 1);
        assertEquals(2, s.size());
        assertTrue(s.get(0).text().endsWith("END"));
        assertEquals(5, s.get(1).line());
    }

    @Test
    void theDataAfterCopyFromStdinIsNotSplit() {
        List<SqlStatement> s = StatementSplitter.split("COPY t FROM STDIN;\n1\t'unclosed; \\N\n\\.\nSELECT 2;", 1);
        assertEquals(2, s.size());
        assertEquals(4, s.get(1).line());
    }
}
