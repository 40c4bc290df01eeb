package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunEvent;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.report.Json;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A DELETE whose condition picks the same rows twice in one snapshot is saved by copying its rows first
 * ({@code CREATE TABLE rescue.… AS SELECT t.* …}) and comparing the DELETE's count with the copy's; any other DELETE
 * is saved in the same statement ({@code WITH changed AS (DELETE … RETURNING t.*) INSERT INTO rescue.…}). Either way
 * the keys saved are the keys gone, whatever triggers, row security, rules, event triggers or other logins do. The
 * rescue table has the source's column types and collations, the statement column, no access for anyone else, and
 * its comment.
 */
class DeleteCaptureTest {
    private static final String COLUMNS = "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod)"
            + " || coalesce(' ' || nullif(attcollation, 0)::regcollation::text, ''), ', ' ORDER BY attnum)"
            + " FROM pg_attribute WHERE attrelid = CAST('%s' AS regclass) AND attnum > 0 AND NOT attisdropped";
    /** A database of its own for each test: JUnit makes a new instance per test. */
    private final TestDatabase db = TestDatabase.create();
    private final Rescue rescue = new Rescue(db);

    @BeforeEach
    void createData() {
        db.execute("""
                CREATE DOMAIN positive AS int CHECK (VALUE > 0);
                CREATE TABLE parcels (id int PRIMARY KEY, code varchar(12) COLLATE "C" NOT NULL DEFAULT 'x', weight numeric(8,3),
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
        // NOT NULL, no default left for a later statement to fall back on, and its value kept once in the catalog for
        // the copied rows rather than written into each of them.
        assertEquals("true false true", rescue.single("SELECT attnotnull || ' ' || atthasdef || ' ' || atthasmissing"
                + " FROM pg_attribute WHERE attrelid = CAST('" + table + "' AS regclass) AND attname = 'prodscript_statement'"));
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

    @Test
    void aDeleteEndingInACommentIsCopiedFirstAndDeletesItsRows() {
        RunResult run = rescue.commit("DELETE FROM parcels WHERE id <= 2 -- the first two; then id 3\n;");
        assertEquals(2, run.statements().get(0).rows());
        assertEquals(List.of("1", "2"), saved(run));
        assertEquals(gone(), saved(run));
    }

    @Test
    void aConditionThatPicksRowsAtRandomIsSavedInOnePass() {
        RunResult run = rescue.commit("DELETE FROM parcels WHERE random() < 0.5;");
        assertEquals(gone(), saved(run));
    }

    @Test
    void aTriggerAddedWhileTheRunGoesOnThatSkipsRowsStopsItAtTheCountCheck() {
        db.jdbi().useHandle(h -> h.execute("""
                CREATE FUNCTION keep_locked() RETURNS trigger LANGUAGE plpgsql AS
                  $$ BEGIN IF OLD.locked THEN RETURN NULL; END IF; RETURN OLD; END $$"""));
        String before = DatabaseContents.digest(db, "public");
        // The run checked the table's triggers when it started; another login adds one just before the DELETE.
        RunResult run = run("DELETE FROM parcels WHERE id <= 10;", started -> db.asSuperuser(
                "CREATE TRIGGER parcels_keep_locked BEFORE DELETE ON parcels FOR EACH ROW EXECUTE FUNCTION keep_locked();"));
        assertEquals(RunStatus.FAILED, run.status());
        assertTrue(run.failure().reason().contains("rescue saved 10 row(s) before statement 1 but it deleted 8"),
                run.failure().reason());
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    @Test
    void aRowAnotherLoginChangesAfterTheRunsSnapshotFailsTheDeleteAndNothingIsDeleted() {
        RunResult run = run("DELETE FROM parcels WHERE id <= 10;",
                started -> db.asSuperuser("UPDATE parcels SET weight = 0 WHERE id = 5"));
        assertEquals(RunStatus.FAILED, run.status());
        assertTrue(run.failure().reason().contains("could not serialize access due to concurrent update"), run.failure().reason());
        assertEquals("50", rescue.single("SELECT count(*) FROM parcels"));
        assertEquals("0.000", rescue.single("SELECT weight FROM parcels WHERE id = 5"));
    }

    @Test
    void aRowAnotherLoginAddsAfterTheRunsSnapshotIsNeitherDeletedNorSaved() {
        RunResult run = run("DELETE FROM parcels WHERE id % 5 = 0;",
                started -> db.asSuperuser("INSERT INTO parcels (id, code, units) VALUES (55, 'P55', 1)"));
        assertEquals(RunStatus.COMMITTED, run.status(), () -> String.valueOf(run.failure()));
        assertEquals(10, run.statements().get(0).rows());
        assertEquals("55", rescue.single("SELECT string_agg(id::text, ',') FROM parcels WHERE id % 5 = 0"));
        assertEquals(List.of("5", "10", "15", "20", "25", "30", "35", "40", "45", "50"), saved(run));
    }

    @Test
    void aJoinThatMatchesARowTwiceSavesItOnceAsTheDeleteDeletesItOnce() {
        db.execute("CREATE TABLE holds (parcel int NOT NULL); INSERT INTO holds VALUES (5), (5), (10);");
        RunResult run = rescue.commit("DELETE FROM parcels AS p USING holds AS h WHERE p.id = h.parcel;");
        assertEquals(2, run.statements().get(0).rows());
        assertEquals(List.of("5", "10"), saved(run));
    }

    @Test
    void rowsOfATableWithACompositeKeyAreSavedByTheWholeKey() throws Exception {
        db.execute("""
                CREATE TABLE stock (depot int, item int, qty int, PRIMARY KEY (depot, item));
                INSERT INTO stock SELECT d, i, d * i FROM generate_series(1, 3) d, generate_series(1, 4) i;
                """);
        String before = DatabaseContents.digest(db, "public");
        RunResult run = rescue.commit("DELETE FROM stock WHERE qty % 2 = 0;");
        assertEquals("1:2,1:4,2:1,2:2,2:3,2:4,3:2,3:4", rescue.single("SELECT string_agg(depot || ':' || item, ','"
                + " ORDER BY depot, item) FROM " + run.rescue().captures().get(0).rescueTable()));
        rescue.reverse(run.runId(), Mode.RUN, false);
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    @Test
    void rowSecurityThatShowsTheDeleteOtherRowsThanASelectRefusesRescue() {
        // Alone, the DELETE applies only its own policy and deletes ids 26-50; a copy would see ids 1-25, and saving in
        // the statement (RETURNING) would apply the SELECT policy too and delete none. Neither is the reviewed statement.
        db.execute("""
                ALTER TABLE parcels ENABLE ROW LEVEL SECURITY;
                ALTER TABLE parcels FORCE ROW LEVEL SECURITY;
                CREATE POLICY read_low ON parcels FOR SELECT USING (id <= 25);
                CREATE POLICY delete_high ON parcels FOR DELETE USING (id > 25);
                """);
        String before = DatabaseContents.digest(db, "public");
        RunResult run = rescue.run("-- @allow-full-table\nDELETE FROM parcels;", Mode.RUN);
        assertEquals(RunStatus.REFUSED, run.status());
        assertTrue(run.failure().reason().contains("row-level security applies"), run.failure().reason());
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    @Test
    void aRuleThatTurnsTheDeleteIntoAnotherIsNotTakenForIt() {
        // The rule deletes as many rows of another table instead: the DELETE reports the copy's count, deleting none.
        db.execute("""
                CREATE TABLE labels (parcel int PRIMARY KEY);
                INSERT INTO labels SELECT g FROM generate_series(1, 50) g;
                CREATE RULE parcels_labels_only AS ON DELETE TO parcels DO INSTEAD DELETE FROM labels WHERE parcel = OLD.id;
                """);
        String before = DatabaseContents.digest(db, "public");
        RunResult run = rescue.run("DELETE FROM parcels WHERE id <= 10;", Mode.RUN);
        // PostgreSQL refuses the one-pass shape for this rule (it has no RETURNING); no run may claim it saved rows it
        // did not delete.
        assertEquals(RunStatus.FAILED, run.status());
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    @Test
    void anEventTriggerThatRunsBetweenTheCopyAndTheDeleteCannotSwapTheRows() {
        // After a CREATE TABLE it deletes one row of the condition and adds another: between a copy and its DELETE,
        // as many rows with other keys.
        db.jdbi().useHandle(h -> h.execute("""
                CREATE FUNCTION swap_parcel() RETURNS event_trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF tg_tag IN ('CREATE TABLE', 'CREATE TABLE AS') AND NOT EXISTS (SELECT 1 FROM public.parcels WHERE id = 55) THEN
                    DELETE FROM public.parcels WHERE id = 5;
                    INSERT INTO public.parcels (id, code, units) VALUES (55, 'P55', 1);
                  END IF;
                END $$"""));
        db.asSuperuser("CREATE EVENT TRIGGER swap_parcel ON ddl_command_end EXECUTE FUNCTION swap_parcel();");
        RunResult run = rescue.commit("DELETE FROM parcels WHERE id % 5 = 0;");
        db.asSuperuser("DROP EVENT TRIGGER swap_parcel");
        // Row 5 went before the DELETE ran, row 55 came in time for it: the DELETE's rows are 10 to 55.
        assertEquals(List.of("10", "15", "20", "25", "30", "35", "40", "45", "50", "55"), saved(run));
    }

    @Test
    void deletesCopiedFirstAndDeletesSavedInOnePassShareOneTableAndReverse() throws Exception {
        String before = DatabaseContents.digest(db, "public");
        RunResult run = rescue.commit("DELETE FROM parcels WHERE id <= 3;\nDELETE FROM parcels WHERE id > 45 AND random() < 2;\n"
                + "DELETE FROM parcels WHERE id BETWEEN 10 AND 11;");
        String table = run.rescue().captures().get(0).rescueTable();
        assertEquals(List.of(table, table), List.of(run.rescue().captures().get(1).rescueTable(), run.rescue().captures().get(2).rescueTable()));
        assertEquals("1:1,2:1,3:1,10:3,11:3,46:2,47:2,48:2,49:2,50:2",
                rescue.single("SELECT string_agg(id || ':' || prodscript_statement, ',' ORDER BY id) FROM " + table));
        assertEquals(List.of("1-3", "46-50", "10-11"), keyRanges(run));
        rescue.reverse(run.runId(), Mode.RUN, false);
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    @Test
    void aSharedTableInWhichOneStatementSavedRowsGivesThatStatementItsKeyRange() throws Exception {
        RunResult run = rescue.commit("DELETE FROM parcels WHERE id BETWEEN 7 AND 9;\nDELETE FROM parcels WHERE id > 1000;");
        assertEquals(List.of("7-9", "-"), keyRanges(run));
    }

    /** The manifest's smallest and largest key of each statement, {@code min-max}, or {@code -} without them. */
    private List<String> keyRanges(RunResult run) throws Exception {
        String manifest = rescue.engine().manifest(Scripts.target(db), Scripts.credentials(), run.runId()).orElseThrow();
        List<String> ranges = new ArrayList<>();
        Json.mapper().readTree(manifest).get("statements").forEach(s -> ranges.add(s.path("minKey").asText("") + "-" + s.path("maxKey").asText("")));
        return ranges;
    }

    /** Runs a script, letting another login act as each statement starts (the run's snapshot is taken by then). */
    private RunResult run(String sql, Consumer<RunEvent.StatementStarted> meanwhile) {
        RunRequest request = RunRequest.of(rescue.plan(sql), Scripts.target(db), Scripts.credentials(), Mode.RUN, "alice");
        return rescue.engine().prepare(request, event -> {
            if (event instanceof RunEvent.StatementStarted started) {
                meanwhile.accept(started);
            }
        }).run();
    }

    /** The keys of the fixture's rows that are no longer in the table. */
    private List<String> gone() {
        return rescue.column("SELECT g::text FROM generate_series(1, 50) AS s(g) WHERE NOT EXISTS (SELECT 1 FROM parcels WHERE id = s.g) ORDER BY s.g");
    }

    /** The keys a run saved for its first statement. */
    private List<String> saved(RunResult run) {
        return rescue.column("SELECT s.id::text FROM " + run.rescue().captures().get(0).rescueTable() + " AS s ORDER BY s.id");
    }
}
