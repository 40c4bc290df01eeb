package io.prodscript.engine.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.report.Json;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A password given to the engine never comes back out: not in events, results, JSON, exceptions or the ledger. */
class SecretsTest {
    private static final String MARKER = "MARKER-" + UUID.randomUUID();

    private final StringBuilder everything = new StringBuilder();

    private void collect(Object value) {
        everything.append(value).append('\n');
        if (value instanceof Throwable throwable) {
            StringWriter trace = new StringWriter();
            throwable.printStackTrace(new PrintWriter(trace));
            everything.append(trace).append('\n');
        } else if (value != null) {
            everything.append(Json.pretty(value)).append('\n');
        }
    }

    @Test
    void theMarkerPasswordAppearsInNoOutput() {
        TestDatabase db = TestDatabase.create();
        db.execute("CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL); INSERT INTO items VALUES (1, 10)");
        // The embedded server trusts local logins, so the runner gets in with any password: the marker travels all the way.
        Credentials credentials = new Credentials(TestDatabase.RUNNER, MARKER);
        ScriptEngine engine = ScriptEngine.create();
        for (String sql : List.of("UPDATE items SET qty = 9 WHERE id = 1;", "UPDATE items SET qty = -1 WHERE id = 1;\nSELECT 1/0;")) {
            for (Mode mode : Mode.values()) {
                List<RunEvent> events = new ArrayList<>();
                RunRequest request = RunRequest.of(Scripts.plan(sql), db.target(), credentials, mode, "alice");
                collect(request);
                collect(engine.prepare(request, events::add).run());
                events.forEach(this::collect);
            }
        }
        collect(credentials);
        collect(db.target());
        collect(assertThrows(Exception.class, () -> engine.checkConnection(db.target(), new Credentials("nobody", MARKER))));
        collect(assertThrows(Exception.class, () -> engine.history(db.target(), new Credentials("nobody", MARKER), 10)));
        collect(assertThrows(Exception.class, () -> engine.install(db.target(), new Credentials("nobody", MARKER))));
        List<RunEvent> refused = new ArrayList<>();
        collect(engine.prepare(RunRequest.of(Scripts.plan("SELECT 1;"), db.target(), new Credentials("nobody", MARKER),
                Mode.RUN, "alice"), refused::add).run());
        refused.forEach(this::collect);
        collect(assertThrows(IllegalArgumentException.class,
                () -> DatabaseTarget.of("jdbc:postgresql://runner:" + MARKER + "@db/app", "jdbc:postgresql://runner:" + MARKER + "@db/app")));
        String ledger = db.jdbi().withHandle(h -> h.createQuery("SELECT string_agg(r::text, E'\\n') FROM script_runner.runs r")
                .mapTo(String.class).one());
        everything.append(ledger);

        assertTrue(everything.toString().contains("alice"), "the scan saw the outputs");
        assertFalse(everything.toString().contains(MARKER), everything::toString);
    }

    @Test
    void credentialsInJsonShowTheUserOnly() {
        assertEquals("{\"username\":\"runner\"}", Json.line(new Credentials("runner", MARKER)));
        assertEquals(new Credentials("runner", MARKER), Json.read("{\"username\":\"runner\",\"password\":\"" + MARKER + "\"}",
                Credentials.class), "reading one from configuration still works");
    }

    @Test
    void aUrlWithUserInformationIsRefused() {
        for (String url : List.of("jdbc:postgresql://runner:" + MARKER + "@db.example.com:5432/app",
                "jdbc:postgresql://runner@db.example.com/app", "jdbc:postgresql://db/app?password=" + MARKER)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatabaseTarget.of("prod", url));
            assertFalse(e.getMessage().contains(MARKER), e.getMessage());
        }
        DatabaseTarget.of("prod", "jdbc:postgresql://db.example.com:5432/app?ApplicationName=a@b");
    }
}
