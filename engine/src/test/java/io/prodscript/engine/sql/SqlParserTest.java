package io.prodscript.engine.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.sf.jsqlparser.statement.update.Update;
import org.junit.jupiter.api.Test;

class SqlParserTest {
    private static SqlStatement one(String sql) {
        List<SqlStatement> statements = StatementSplitter.split(sql, 1);
        assertEquals(1, statements.size());
        return statements.get(0);
    }

    @Test
    void statementsThatDifferOnlyInTheirConstantsShareOneShapeAndOneParse() {
        SqlStatement a = one("UPDATE bench SET v = v + 1, note = E'it\\'s' WHERE id = 17 -- first");
        SqlStatement b = one("update bench  SET v = v + 2, note = $$x$$\n WHERE id = 4242");
        assertEquals("UPDATE bench SET v = v + 0, note = 's' WHERE id = 0", a.shape());
        assertNotEquals(a.shape(), b.shape(), "keywords keep their case, so the shapes differ here");
        SqlStatement c = one("UPDATE bench SET v = v + 3, note = U&'caf\\00e9' WHERE id = 1");
        assertEquals(a.shape(), c.shape());
        assertSame(SqlParser.parse(a).tree(), SqlParser.parse(c).tree(), "parsed once, shared");
        assertTrue(SqlParser.parse(a).tree() instanceof Update);
    }

    @Test
    void tokensKnowTheirNestingAndPlace() {
        SqlStatement s = one("SELECT (a), \"Odd\"\"Name\" FROM s.t WHERE x = 'y'");
        Token quoted = s.tokens().stream().filter(t -> t.kind() == Token.Kind.QUOTED).findFirst().orElseThrow();
        assertEquals("Odd\"Name", quoted.text());
        assertTrue(quoted.names("Odd\"Name"));
        assertEquals(1, s.tokens().stream().filter(t -> t.is("A")).findFirst().orElseThrow().depth());
        assertEquals("s.t", s.nameAt(s.tokens().indexOf(s.tokens().stream().filter(t -> t.is("S")).findFirst().orElseThrow())));
        assertEquals("y", s.tokens().stream().filter(t -> t.kind() == Token.Kind.STRING).findFirst().orElseThrow().text());
    }

    @Test
    void aStatementJsqlparserCannotReadGivesAReasonInWords() {
        SqlParser.Parse parse = SqlParser.parse(one("UPDATE t SET a = b COLLATE \"C\" WHERE id = 1"));
        assertFalse(parse.succeeded());
        assertTrue(parse.problem().startsWith("JSqlParser, the SQL reader rescue relies on, does not know"), parse.problem());
    }

    @Test
    void aCopyOfTheOwnTextMayBeChangedWithoutTouchingTheSharedTree() {
        SqlStatement s = one("UPDATE t SET a = 1 WHERE id = 1 RETURNING a");
        Update shared = (Update) SqlParser.parse(s).tree();
        Update copy = (Update) SqlParser.parseCopy(s.text());
        copy.setReturningClause(null);
        assertTrue(shared.getReturningClause() != null);
    }
}
