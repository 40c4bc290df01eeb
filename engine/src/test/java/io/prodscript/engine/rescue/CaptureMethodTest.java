package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two ways of saving an UPDATE's rows differ where a trigger skips rows: the single pass sees only what the
 * UPDATE changed; the copy made first cannot know, so the run notices the difference and stops rather than keep a
 * wrong copy.
 */
class CaptureMethodTest {
    private static final String SCRIPT = "-- @triggers-fire items_skip_locked: leaves locked items alone\nUPDATE items SET qty = qty + 1 WHERE id <= 10;";
    private TestDatabase db;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("""
                CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL, locked boolean NOT NULL DEFAULT false);
                INSERT INTO items SELECT g, g, g % 3 = 0 FROM generate_series(1, 20) g;
                """);
        // One statement by itself: the fixture's script splitter would cut the function body at its semicolons.
        db.jdbi().useHandle(h -> h.execute("""
                CREATE FUNCTION skip_locked() RETURNS trigger LANGUAGE plpgsql AS
                  $$ BEGIN IF OLD.locked THEN RETURN NULL; END IF; RETURN NEW; END $$"""));
        db.execute("CREATE TRIGGER items_skip_locked BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION skip_locked();");
    }

    @Test
    void singlePassSavesExactlyTheRowsATriggerLetThrough() {
        Rescue rescue = new Rescue(db, CaptureMethod.AUTOMATIC);
        RunResult run = rescue.commit(SCRIPT);
        assertEquals(7, run.statements().get(0).rows());
        assertEquals(7, run.rescue().captures().get(0).rowsCaptured());
        assertEquals("1,2,4,5,7,8,10", rescue.single("SELECT string_agg(id::text, ',' ORDER BY id) FROM " + run.rescue().captures().get(0).rescueTable()));
    }

    @Test
    void copyFirstNoticesRowsTheStatementDidNotChangeAndRollsBack() {
        String before = DatabaseContents.digest(db, "public");
        RunResult run = new Rescue(db, CaptureMethod.COPY_FIRST).run(SCRIPT, Mode.RUN);
        assertEquals(RunStatus.FAILED, run.status());
        assertTrue(run.failure().reason().contains("rescue saved 10 row(s) before statement 1 but it changed 7"), run.failure().reason());
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }
}
