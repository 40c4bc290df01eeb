package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.DatabaseTarget;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rescue tables are no wider open than their source table, and live in the schema the target names. */
class RescueTableAccessTest {
    private TestDatabase db;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("CREATE TABLE people (id int PRIMARY KEY, ssn text);"
                + " INSERT INTO people VALUES (1, '123-45-6789'), (2, '987-65-4321');");
    }

    @Test
    void anotherLoginCannotReadARescueTableEvenWhenDefaultPrivilegesWouldLetIt() throws Exception {
        // Roles are the server's, not the database's: one per test database.
        String readerRole = "reader_" + db.name();
        db.asSuperuser("CREATE ROLE " + readerRole + " LOGIN PASSWORD 'r'; GRANT USAGE ON SCHEMA rescue TO " + readerRole);
        // The runner's own default privileges, as a careless administrator might have set them for its tables.
        db.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA rescue GRANT SELECT ON TABLES TO PUBLIC;"
                + " ALTER DEFAULT PRIVILEGES IN SCHEMA rescue GRANT SELECT ON TABLES TO " + readerRole + ";");
        Rescue rescue = new Rescue(db);
        RunResult run = rescue.commit("UPDATE people SET ssn = NULL WHERE id = 1;\n");
        String table = run.rescue().captures().get(0).rescueTable();
        assertEquals("true", rescue.single("SELECT relrowsecurity::text FROM pg_class WHERE oid = to_regclass('" + table + "')"));
        assertEquals("0", rescue.single("SELECT count(*) FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a"
                + " WHERE c.oid = to_regclass('" + table + "') AND a.grantee <> c.relowner"));
        try (Connection reader = DriverManager.getConnection(db.url(), readerRole, "r"); Statement s = reader.createStatement()) {
            SQLException denied = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM " + table));
            assertEquals("42501", denied.getSQLState());
        }
    }

    @Test
    void theRescueSchemaIsTheTargetsChoice() throws Exception {
        String before = DatabaseContents.digest(db, "public");
        DatabaseTarget target = Scripts.target(db).withRescueSchema("Ops Rescue");
        ScriptEngine engine = ScriptEngine.create();
        RunResult uninstalled = engine.prepare(RunRequest.of(engine.plan(Scripts.script("DELETE FROM people WHERE id = 2;\n")),
                target, Scripts.credentials(), Mode.RUN, "alice"), e -> { }).run();
        assertEquals(RunStatus.REFUSED, uninstalled.status(), "the target's rescue schema is part of the installation");
        assertTrue(uninstalled.failure().reason().contains("\"Ops Rescue\""), uninstalled.failure().reason());
        engine.install(target, db.superuser());
        db.asSuperuser("GRANT USAGE, CREATE ON SCHEMA \"Ops Rescue\" TO " + TestDatabase.RUNNER);
        RunResult run = engine.prepare(RunRequest.of(engine.plan(Scripts.script("DELETE FROM people WHERE id = 2;\n")), target,
                Scripts.credentials(), Mode.RUN, "alice"), e -> { }).run();
        assertEquals(RunStatus.COMMITTED, run.status(), () -> String.valueOf(run.failure()));
        assertTrue(run.rescue().captures().get(0).rescueTable().startsWith("\"Ops Rescue\".r_"), run.rescue().captures().get(0).rescueTable());
        assertEquals("0", new Rescue(db).single("SELECT count(*) FROM pg_tables WHERE schemaname = 'rescue'"));

        RunResult reversal = engine.prepare(RunRequest.of(engine.reversal(target, Scripts.credentials(), run.runId()), target,
                Scripts.credentials(), Mode.RUN, "bob").withRevertsRunId(run.runId()), e -> { }).run();
        assertEquals(RunStatus.COMMITTED, reversal.status(), () -> String.valueOf(reversal.failure()));
        assertEquals(before, DatabaseContents.digest(db, "public"));
        assertEquals(List.of(run.rescue().captures().get(0).rescueTable()),
                engine.rescueTablesExpiring(target, Scripts.credentials(), Duration.ofDays(30)).stream().map(RescueTable::name).toList());
        engine.announceExpiringRescueTables(target, Scripts.credentials(), Duration.ofDays(30));
        List<RescueTable> dropped = db.jdbi().withHandle(h -> RescueCleanup.dropExpired(h,
                java.time.Instant.now().plus(Duration.ofDays(30)), Duration.ofDays(1), "ops"));
        assertEquals(1, dropped.size());
        assertEquals("false", new Rescue(db).single("SELECT (to_regclass('" + dropped.get(0).name().replace("'", "''") + "') IS NOT NULL)::text"));
    }
}
