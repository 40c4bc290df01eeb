package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * What a statement changes through foreign keys (ON DELETE / ON UPDATE CASCADE, SET NULL, SET DEFAULT) is saved with
 * it, level by level, and the reversal puts parents back before children.
 */
class CascadeCaptureTest {
    private TestDatabase db;
    private Rescue rescue;
    private String before;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("""
                CREATE TABLE parents (id int PRIMARY KEY, code text NOT NULL UNIQUE);
                CREATE TABLE children (id int PRIMARY KEY, parent_id int REFERENCES parents (id) ON DELETE CASCADE);
                CREATE TABLE grandchildren (id int PRIMARY KEY, child_id int REFERENCES children (id) ON DELETE CASCADE);
                CREATE TABLE notes (id int PRIMARY KEY, parent_id int REFERENCES parents (id) ON DELETE SET NULL);
                CREATE TABLE tags (id int PRIMARY KEY, parent_code text REFERENCES parents (code) ON UPDATE CASCADE);
                INSERT INTO parents VALUES (1, 'a'), (2, 'b'), (3, 'c');
                INSERT INTO children VALUES (10, 1), (11, 1), (12, 2);
                INSERT INTO grandchildren VALUES (100, 10), (101, 12);
                INSERT INTO notes VALUES (20, 1), (21, 3);
                INSERT INTO tags VALUES (30, 'c'), (31, 'c');
                """);
        rescue = new Rescue(db);
        before = contents();
    }

    private String contents() {
        return DatabaseContents.digest(db, "public");
    }

    @ParameterizedTest
    @EnumSource(CaptureMethod.class)
    void aRealCleanUpDeletesChildrenThenTheParentAndReverses(CaptureMethod method) throws Exception {
        Rescue rescue = new Rescue(db, method);
        RunResult run = rescue.commit("""
                DELETE FROM grandchildren WHERE child_id IN (SELECT id FROM children WHERE parent_id = 1);
                DELETE FROM children WHERE parent_id = 1;
                DELETE FROM notes WHERE parent_id = 1;
                DELETE FROM parents WHERE id = 1;
                """);
        assertEquals(List.of(1L, 2L, 1L, 1L), run.statements().stream().map(s -> s.rows()).toList());
        assertEquals(RunStatus.COMMITTED, rescue.reverse(run.runId(), Mode.RUN, false).status());
        assertEquals(before, contents());
    }

    @ParameterizedTest
    @EnumSource(CaptureMethod.class)
    void aCascadingDeleteIsSavedLevelByLevelAndReversesExactly(CaptureMethod method) throws Exception {
        Rescue rescue = new Rescue(db, method);
        RunResult rehearsal = rescue.run("DELETE FROM parents WHERE id IN (1, 2);", Mode.REHEARSE);
        assertEquals(RunStatus.REHEARSED, rehearsal.status(), () -> String.valueOf(rehearsal.failure()));
        assertEquals(List.of("public.parents 2", "public.children 3", "public.grandchildren 2", "public.notes 1"),
                rehearsal.rescue().captures().stream().map(c -> c.table() + " " + c.rowsCaptured()).toList(),
                "the rehearsal shows the rows each table loses, cascaded ones included");
        assertTrue(rehearsal.rescue().captures().get(1).reachedThrough().contains("children_parent_id_fkey"));
        assertEquals(before, contents());

        RunResult run = rescue.commit("DELETE FROM parents WHERE id IN (1, 2);");
        assertEquals("0", rescue.single("SELECT count(*) FROM grandchildren"));
        assertEquals("1", rescue.single("SELECT count(*) FROM notes WHERE parent_id IS NULL"));
        RunResult reversal = rescue.reverse(run.runId(), Mode.RUN, false);
        assertEquals(RunStatus.COMMITTED, reversal.status(), () -> String.valueOf(reversal.failure()));
        assertEquals(before, contents());
    }

    @Test
    void anUpdateOfAReferencedKeyThatCascadesIsSavedAndReverses() throws Exception {
        RunResult run = rescue.commit("UPDATE parents SET code = 'c2' WHERE id = 3;");
        assertEquals(List.of("public.parents 1", "public.tags 2"),
                run.rescue().captures().stream().map(c -> c.table() + " " + c.rowsCaptured()).toList());
        assertEquals("c2", rescue.single("SELECT parent_code FROM tags WHERE id = 30"));
        assertEquals(RunStatus.COMMITTED, rescue.reverse(run.runId(), Mode.RUN, false).status());
        assertEquals(before, contents());
    }

    @Test
    void aTableWithoutKeyIsRefusedOnlyWhenRowsWouldReachIt() {
        db.execute("CREATE TABLE audit (parent_id int REFERENCES parents (id) ON DELETE CASCADE); INSERT INTO audit VALUES (2); INSERT INTO parents VALUES (4, 'd');");
        String withAudit = contents();
        RunResult unreached = rescue.run("DELETE FROM parents WHERE id = 4;", Mode.REHEARSE);
        assertEquals(RunStatus.REHEARSED, unreached.status(), () -> String.valueOf(unreached.failure()));

        RunResult reached = rescue.run("DELETE FROM parents WHERE id = 2;", Mode.RUN);
        assertEquals(RunStatus.FAILED, reached.status());
        assertTrue(reached.failure().reason().contains("1 row(s) of public.audit"), reached.failure().reason());
        assertEquals(withAudit, contents());
    }

    @Test
    void aForeignKeyFromATableToItselfThatCascadesIsRefused() {
        db.execute("CREATE TABLE tree (id int PRIMARY KEY, up int REFERENCES tree (id) ON DELETE CASCADE); INSERT INTO tree VALUES (1, NULL), (2, 1);");
        RunResult run = rescue.run("DELETE FROM tree WHERE id = 1;", Mode.RUN);
        assertEquals(RunStatus.REFUSED, run.status());
        assertTrue(run.failure().reason().contains("comes back to a table"), run.failure().reason());
        assertEquals("2", rescue.single("SELECT count(*) FROM tree"));
    }

    @ParameterizedTest
    @EnumSource(CaptureMethod.class)
    void aCascadingDeleteWithUsingAndReturningIsSavedFromItsOwnText(CaptureMethod method) throws Exception {
        Rescue rescue = new Rescue(db, method);
        RunResult run = rescue.commit("DELETE FROM parents AS p USING children AS c\n WHERE c.parent_id = p.id AND c.id = 12\n RETURNING p.id;");
        assertEquals(List.of("public.parents 1", "public.children 1", "public.grandchildren 1", "public.notes 0"),
                run.rescue().captures().stream().map(c -> c.table() + " " + c.rowsCaptured()).toList());
        assertEquals(RunStatus.COMMITTED, rescue.reverse(run.runId(), Mode.RUN, false).status());
        assertEquals(before, contents());
    }
}
