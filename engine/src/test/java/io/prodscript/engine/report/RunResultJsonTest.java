package io.prodscript.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunEvent;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON documents are an interface (archived artifacts, the CLI's --json): their field names must not drift. */
class RunResultJsonTest {
    @Test
    void runResultHasStableFieldNames() throws Exception {
        TestDatabase db = TestDatabase.create();
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a int); INSERT INTO t VALUES (1, 1);");
        Scripts.Outcome outcome = Scripts.run(db, "-- @expect-rows 1: 1\nUPDATE t SET a = 2 WHERE id = 1;", Mode.REHEARSE);

        JsonNode json = Json.mapper().readTree(Json.pretty(outcome.result()));
        assertEquals(List.of("runId", "mode", "status", "scriptPath", "checksum", "target", "requestedBy", "startedAt",
                "finishedAt", "statements", "checks", "notices", "rescue", "triggers", "rowsChanged", "durationMillis"), names(json));
        assertEquals("REHEARSE", json.get("mode").asText());
        assertEquals("REHEARSED", json.get("status").asText());
        assertEquals(List.of("number", "line", "kind", "tables", "rows", "durationMillis"), names(json.get("statements").get(0)));
        assertEquals(List.of("directive", "line", "description", "passed", "actual"), names(json.get("checks").get(0)));
        assertTrue(json.get("startedAt").asText().endsWith("Z"));

        JsonNode started = Json.mapper().readTree(Json.line(outcome.events().get(0)));
        assertEquals("run-started", started.get("event").asText());
        assertEquals("statement-finished", Json.mapper().readTree(Json.line(
                outcome.events().stream().filter(e -> e instanceof RunEvent.StatementFinished).findFirst().orElseThrow())).get("event").asText());
        assertFalse(Json.line(outcome.events().get(0)).contains("\n"));
        assertEquals(outcome.result(), Json.read(Json.pretty(outcome.result()), io.prodscript.engine.execution.RunResult.class),
                "an archived result reads back as the same value");
    }

    @Test
    void planHasStableFieldNames() throws Exception {
        JsonNode json = Json.mapper().readTree(Json.pretty(Scripts.plan("-- @ticket OPS-1\nDELETE FROM t WHERE id = 1;")));
        assertEquals(List.of("scriptPath", "checksum", "directives", "statements"), names(json));
        assertEquals("OPS-1", json.get("directives").get("ticket").asText());
        assertEquals(List.of("number", "line", "kind", "tables", "sql"), names(json.get("statements").get(0)));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
