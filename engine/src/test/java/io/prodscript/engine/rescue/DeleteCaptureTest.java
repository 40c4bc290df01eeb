package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A DELETE is saved in the same statement ({@code WITH changed AS (DELETE … RETURNING t.*) INSERT INTO rescue.…}), so
 * the rows saved are the rows deleted by construction, even when its condition picks rows at random. The rescue table
 * is made with {@code LIKE}: same column types, statement column, no access for anyone else, its comment.
 */
class DeleteCaptureTest {
    private static final String COLUMNS = "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)"
            + " FROM pg_attribute WHERE attrelid = CAST('%s' AS regclass) AND attnum > 0 AND NOT attisdropped";
    /** A database of its own for each test: JUnit makes a new instance per test. */
    private final TestDatabase db = TestDatabase.create();
    private final Rescue rescue = new Rescue(db);

    @BeforeEach
    void createData() {
        db.execute("""
                CREATE DOMAIN positive AS int CHECK (VALUE > 0);
                CREATE TABLE parcels (id int PRIMARY KEY, code varchar(12) NOT NULL DEFAULT 'x', weight numeric(8,3),
                  sizes int[], sent timestamptz, units positive, doubled int GENERATED ALWAYS AS (id * 2) STORED,
                  locked boolean NOT NULL DEFAULT false);
                INSERT INTO parcels (id, code, weight, sizes, sent, units, locked)
                  SELECT g, 'P' || g, g / 7.0, ARRAY[g, g + 1], now(), g, g % 4 = 0 FROM generate_series(1, 50) g;
                """);
    }

    @Test
    void savesExactlyTheDeletedRowsInATableLikeItsSource() throws Exception {
        String before = DatabaseContents.digest(db, "public");
        RunResult run = rescue.commit("DELETE FROM parcels WHERE id % 5 = 0;");
        String table = run.rescue().captures().get(0).rescueTable();

        assertEquals(10, run.statements().get(0).rows());
        assertEquals(10, run.rescue().captures().get(0).rowsCaptured());
        // The same keys on both sides, not only as many: those saved are those gone.
        List<String> expected = List.of("5", "10", "15", "20", "25", "30", "35", "40", "45", "50");
        assertEquals(expected, rescue.column("SELECT id::text AS saved FROM " + table + " ORDER BY id"));
        assertEquals(expected, rescue.column("SELECT g::text AS gone FROM generate_series(1, 50) g"
                + " WHERE NOT EXISTS (SELECT 1 FROM parcels WHERE id = g) ORDER BY g"));
        assertEquals(rescue.single(COLUMNS.formatted("parcels")) + ", prodscript_statement integer",
                rescue.single(COLUMNS.formatted(table)));
        assertEquals("1", rescue.single("SELECT string_agg(DISTINCT prodscript_statement::text, ',') FROM " + table));
        assertEquals("true", rescue.single("SELECT relrowsecurity::text FROM pg_class WHERE oid = CAST('" + table + "' AS regclass)"));
        assertEquals("0", rescue.single("SELECT count(*) FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a"
                + " WHERE c.oid = CAST('" + table + "' AS regclass) AND a.grantee <> c.relowner"));
        assertEquals("false", rescue.single("SELECT (relacl IS NULL)::text FROM pg_class WHERE oid = CAST('" + table + "' AS regclass)"));
        String comment = rescue.single("SELECT obj_description(CAST('" + table + "' AS regclass), 'pg_class')");
        assertTrue(comment.contains(run.runId()) && comment.contains("expires") && comment.contains("DELETE public.parcels"), comment);
        String manifest = rescue.engine().manifest(Scripts.target(db), Scripts.credentials(), run.runId()).orElseThrow();
        assertTrue(manifest.contains("\"minKey\" : \"5\"") && manifest.contains("\"maxKey\" : \"50\""), manifest);

        rescue.reverse(run.runId(), Mode.RUN, false);
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    @Test
    void savesTheRowsItDeletedWhenItsConditionPicksThemAtRandom() {
        RunResult run = rescue.commit("DELETE FROM parcels WHERE id IN (SELECT id FROM parcels ORDER BY random() LIMIT 5);");
        String table = run.rescue().captures().get(0).rescueTable();
        assertEquals(5, run.rescue().captures().get(0).rowsCaptured());
        assertEquals(rescue.column("SELECT g::text AS gone FROM generate_series(1, 50) g"
                        + " WHERE NOT EXISTS (SELECT 1 FROM parcels WHERE id = g) ORDER BY g"),
                rescue.column("SELECT id::text AS saved FROM " + table + " ORDER BY id"));
    }

    @Test
    void aTriggerThatSkipsRowsIsSavedInOnePassWithTheStatementsOwnCount() {
        db.jdbi().useHandle(h -> h.execute("""
                CREATE FUNCTION keep_locked() RETURNS trigger LANGUAGE plpgsql AS
                  $$ BEGIN IF OLD.locked THEN RETURN NULL; END IF; RETURN OLD; END $$"""));
        db.execute("CREATE TRIGGER parcels_keep_locked BEFORE DELETE ON parcels FOR EACH ROW EXECUTE FUNCTION keep_locked();");
        RunResult run = rescue.commit("-- @triggers-fire parcels_keep_locked: locked parcels stay\nDELETE FROM parcels WHERE id <= 10;");
        assertEquals(8, run.statements().get(0).rows());
        assertEquals(8, run.rescue().captures().get(0).rowsCaptured());
        assertEquals("1,2,3,5,6,7,9,10", rescue.single("SELECT string_agg(id::text, ',' ORDER BY id) FROM "
                + run.rescue().captures().get(0).rescueTable()));
    }

    @Test
    void consecutiveDeletesShareTheTableTheFirstCreated() {
        RunResult run = rescue.commit("DELETE FROM parcels WHERE id <= 3;\nDELETE FROM parcels WHERE id BETWEEN 10 AND 11;");
        assertEquals(3, run.statements().get(0).rows());
        assertEquals(2, run.statements().get(1).rows());
        String table = run.rescue().captures().get(0).rescueTable();
        assertEquals(table, run.rescue().captures().get(1).rescueTable());
        assertEquals("1:1,2:1,3:1,10:2,11:2", rescue.single("SELECT string_agg(id || ':' || prodscript_statement, ',' ORDER BY id) FROM " + table));
    }
}
