package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunEvent;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.report.Json;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The manifest says where everything was saved and holds no row data: key bounds only for integer surrogate keys. */
class ManifestTest {
    private static final String SECRET_TEXT = "MARKER-diagnosis-7f3a";
    private static final String SECRET_NUMBER = "987654321";

    @Test
    void theManifestNamesEveryRescueTableAndHoldsNoRowValues() throws Exception {
        TestDatabase db = TestDatabase.create();
        db.execute("CREATE TABLE patients (region int NOT NULL, id int NOT NULL, note text, score bigint, PRIMARY KEY (region, id));"
                + " INSERT INTO patients SELECT g % 3, g, '" + SECRET_TEXT + "', " + SECRET_NUMBER + " FROM generate_series(1, 30) g;");
        Rescue rescue = new Rescue(db);
        List<RunEvent> events = new ArrayList<>();
        RunResult run = rescue.engine().prepare(RunRequest.of(rescue.plan("""
                UPDATE patients SET note = 'reviewed', score = 0 WHERE id BETWEEN 4 AND 12;
                DELETE FROM patients WHERE id > 25;
                INSERT INTO patients VALUES (0, 99, 'new', 1);
                SELECT count(*) FROM patients;
                """), Scripts.target(db), Scripts.credentials(), Mode.RUN, "alice"), events::add).run();
        assertEquals(RunStatus.COMMITTED, run.status(), () -> String.valueOf(run.failure()));

        String manifest = rescue.engine().manifest(Scripts.target(db), Scripts.credentials(), run.runId()).orElseThrow();
        JsonNode json = Json.mapper().readTree(manifest);
        assertEquals(RescueManifest.VERSION, json.get("manifestVersion").asInt());
        assertEquals(run.runId(), json.get("runId").asText());
        assertEquals(run.checksum(), json.get("checksum").asText());
        assertEquals("test-db", json.get("target").asText());
        assertTrue(json.get("transactionId").asLong() > 0);
        assertEquals("generated", json.get("reversal").asText());
        assertEquals(3, json.get("statements").size(), "the SELECT changes nothing and is not listed");
        JsonNode update = json.get("statements").get(0);
        assertEquals("UPDATE", update.get("kind").asText());
        assertEquals("public.patients", update.get("table").asText());
        assertEquals(9, update.get("rowsAffected").asLong());
        assertEquals(9, update.get("rowsCaptured").asLong());
        assertEquals("[\"region\",\"id\"]", update.get("keyColumns").toString());
        assertFalse(update.has("minKey") || update.has("maxKey"), "a composite key is not a surrogate number");
        assertEquals("[\"note\",\"score\"]", update.get("assignedColumns").toString());
        assertTrue(update.get("rescueTable").asText().startsWith("rescue.r_"));
        assertTrue(update.has("expiresAt"));

        String comment = rescue.single("SELECT obj_description(to_regclass('" + update.get("rescueTable").asText() + "'), 'pg_class')");
        assertTrue(comment.contains(run.runId()) && comment.contains(run.checksum()) && comment.contains("expires"), comment);

        List<String> everythingThatLeavesTheDatabase = List.of(manifest, Json.pretty(run), events.toString(),
                events.stream().map(Json::line).toList().toString(), comment,
                rescue.single("SELECT statements::text FROM script_runner.runs WHERE run_id = '" + run.runId() + "'"),
                rescue.single("SELECT manifest::text FROM script_runner.rescue_manifests WHERE run_id = '" + run.runId() + "'"));
        for (String text : everythingThatLeavesTheDatabase) {
            assertFalse(text.contains(SECRET_TEXT) || text.contains(SECRET_NUMBER), text);
        }
        assertEquals("9", rescue.single("SELECT count(*) FROM " + update.get("rescueTable").asText() + " WHERE note = '" + SECRET_TEXT + "'"),
                "the values themselves stay in the database");
    }

    @Test
    void keyBoundsAreKeptOnlyForAnIntegerSurrogateKey() throws Exception {
        TestDatabase db = TestDatabase.create();
        db.execute("CREATE TABLE people (email text PRIMARY KEY, name text); CREATE TABLE orders (id bigint PRIMARY KEY, note text);"
                + " INSERT INTO people VALUES ('o.hara@example.com', 'x'), ('z@example.com', 'y');"
                + " INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 10) g;");
        Rescue rescue = new Rescue(db);
        RunResult run = rescue.commit("UPDATE people SET name = 'z' WHERE email LIKE '%example.com';\n"
                + "UPDATE orders SET note = 'm' WHERE id BETWEEN 3 AND 7;\n");
        String manifest = rescue.engine().manifest(Scripts.target(db), Scripts.credentials(), run.runId()).orElseThrow();
        assertFalse(manifest.contains("example.com"), manifest);
        JsonNode statements = Json.mapper().readTree(manifest).get("statements");
        assertFalse(statements.get(0).has("minKey"));
        assertEquals("3", statements.get(1).get("minKey").asText());
        assertEquals("7", statements.get(1).get("maxKey").asText());
    }

    /**
     * A key range read by a pass of its own over the saved rows is given only up to {@link RunCapture#KEY_RANGE_PASS_LIMIT}
     * rows in the rescue table, counting every statement saving into it; an UPDATE copied first gives it at any size,
     * since proving its keys reads them anyway.
     */
    @ParameterizedTest
    @EnumSource(CaptureMethod.class)
    void aKeyRangeThatWouldCostAPassOverManyRowsIsLeftOut(CaptureMethod method) throws Exception {
        long limit = RunCapture.KEY_RANGE_PASS_LIMIT;
        TestDatabase db = TestDatabase.create();
        db.execute("CREATE TABLE orders (id bigint PRIMARY KEY, note text); CREATE TABLE lines (id int PRIMARY KEY);"
                + " INSERT INTO orders SELECT g, 'n' FROM generate_series(1, " + (3 * limit) + ") g;"
                + " INSERT INTO lines SELECT g FROM generate_series(1, " + (3 * limit) + ") g;");
        RunResult run = new Rescue(db, method).commit("DELETE FROM orders WHERE id <= " + limit + ";\n"
                + "DELETE FROM lines WHERE id <= " + limit + ";\n"
                + "DELETE FROM lines WHERE id = " + (limit + 1) + ";\n"
                + "UPDATE orders SET note = 'm' WHERE id > " + limit + ";\n");
        String manifest = new Rescue(db).engine().manifest(Scripts.target(db), Scripts.credentials(), run.runId()).orElseThrow();
        JsonNode statements = Json.mapper().readTree(manifest).get("statements");
        assertEquals("1 " + limit, statements.get(0).get("minKey").asText() + " " + statements.get(0).get("maxKey").asText(),
                "a table of exactly the limit still gets its range");
        assertFalse(statements.get(1).has("minKey") || statements.get(2).has("minKey"),
                "two statements together save one row more than the limit into one table");
        assertEquals(limit, statements.get(1).get("rowsCaptured").asLong());
        boolean copiedFirst = method == CaptureMethod.COPY_FIRST
                || Integer.parseInt(new Rescue(db).single("SHOW server_version_num")) < 180000;
        assertEquals(copiedFirst, statements.get(3).has("minKey"), manifest);
        if (copiedFirst) {
            assertEquals((limit + 1) + " " + (3 * limit),
                    statements.get(3).get("minKey").asText() + " " + statements.get(3).get("maxKey").asText());
        }
    }
}
