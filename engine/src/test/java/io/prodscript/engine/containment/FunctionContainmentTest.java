package io.prodscript.engine.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.plan.StatementKind;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Statements and checks cannot act outside the run's transaction: functions whose effects escape it are refused at
 * run start, in a rehearsal as in a run, and the database, its sequences and other sessions show it.
 */
class FunctionContainmentTest {
    private TestDatabase db;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("""
                CREATE TABLE t (id serial PRIMARY KEY, name text);
                INSERT INTO t (name) VALUES ('a'), ('b'), ('c');
                CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL);
                INSERT INTO counters VALUES (1, 0);
                CREATE FUNCTION bump() RETURNS void LANGUAGE sql AS 'UPDATE counters SET n = n + 1';
                CREATE FUNCTION twice(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 2 * x';
                CREATE FUNCTION norm(x text) RETURNS text LANGUAGE sql AS 'SELECT lower(x)';
                """);
    }

    private String single(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }

    private RunResult refused(String script, Mode mode) {
        RunResult result = Scripts.run(db, script, mode).result();
        assertEquals(0, Integer.parseInt(single("SELECT count(*) FROM script_runner.runs WHERE status <> 'refused'")));
        assertEquals(RunStatus.REFUSED, result.status(), () -> String.valueOf(result.failure()));
        assertTrue(result.statements().isEmpty(), "no statement ran");
        return result;
    }

    @Test
    void aUnicodeEscapedNameIsTheFunctionItSpells() {
        String before = single("SELECT last_value::text FROM t_id_seq");
        RunResult result = refused("SELECT U&\"\\0073etval\"('t_id_seq', 1000);\n", Mode.REHEARSE);
        assertTrue(result.failure().reason().contains("pg_catalog.setval()"), result.failure().reason());
        assertEquals(before, single("SELECT last_value::text FROM t_id_seq"));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void setvalIsRefusedAndTheSequenceStaysWhereItWas(Mode mode) {
        String before = single("SELECT last_value::text FROM t_id_seq");
        RunResult result = refused("SELECT setval('t_id_seq', 1);\n", mode);
        assertEquals(1, result.failure().statement());
        assertTrue(result.failure().reason().contains("pg_catalog.setval()"), result.failure().reason());
        assertTrue(result.failure().reason().contains("sequence"), result.failure().reason());
        assertEquals(before, single("SELECT last_value::text FROM t_id_seq"));
        db.execute("INSERT INTO t (name) VALUES ('d')");
    }

    @Test
    void terminatingAnotherSessionIsRefusedAndTheOtherSessionSurvives() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", Scripts.credentials().username());
        properties.setProperty("password", Scripts.credentials().password());
        properties.setProperty("ApplicationName", "victim");
        try (Connection victim = DriverManager.getConnection(db.url(), properties)) {
            refused("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim';\n", Mode.REHEARSE);
            try (Statement s = victim.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "the victim's session is alive");
            }
        }
    }

    @Test
    void aUserDefinedVolatileFunctionIsRefusedUntilAcknowledged() {
        String before = DatabaseContents.digest(db, "public");
        RunResult result = refused("\nSELECT bump();\n", Mode.RUN);
        assertEquals(2, result.failure().line());
        assertTrue(result.failure().reason().contains("public.bump()"), result.failure().reason());
        assertTrue(result.failure().reason().contains("@functions-reviewed bump"), result.failure().reason());
        assertEquals(before, DatabaseContents.digest(db, "public"));

        RunResult acknowledged = Scripts.run(db, "-- @functions-reviewed bump: counts visits, nothing else\nSELECT bump();\n",
                Mode.RUN).result();
        assertEquals(RunStatus.COMMITTED, acknowledged.status(), () -> String.valueOf(acknowledged.failure()));
        assertEquals("1", single("SELECT n::text FROM counters"));
    }

    @Test
    void aFunctionCalledByAViewTheScriptReadsIsJudgedLikeACall() {
        db.execute("CREATE VIEW bumped AS SELECT bump()::text AS b; CREATE VIEW outer_view AS SELECT * FROM bumped;"
                + " CREATE VIEW plain AS SELECT id, lower(name) AS name FROM t;");
        RunResult refused = refused("SELECT count(*) FROM plain;\nSELECT * FROM outer_view;\n", Mode.REHEARSE);
        assertEquals(2, refused.failure().line());
        assertTrue(refused.failure().reason().contains("view public.bumped") && refused.failure().reason().contains("public.bump()"),
                refused.failure().reason());
        assertEquals("0", single("SELECT n::text FROM counters"));
        RunResult acknowledged = Scripts.run(db, "-- @functions-reviewed bump: counts reads\nSELECT * FROM outer_view;\n",
                Mode.REHEARSE).result();
        assertEquals(RunStatus.REHEARSED, acknowledged.status(), () -> String.valueOf(acknowledged.failure()));
    }

    @Test
    void anAcknowledgementNamesAFunctionAsPostgresqlNamesIt() {
        db.execute("CREATE FUNCTION \"Bump\"() RETURNS void LANGUAGE sql AS 'UPDATE counters SET n = n + 10'");
        assertTrue(refused("-- @functions-reviewed \"Bump\": the other one\nSELECT bump();\n", Mode.REHEARSE)
                .failure().reason().contains("public.bump()"), "a quoted name is exact");
        assertTrue(refused("-- @functions-reviewed other.bump: elsewhere\nSELECT bump();\n", Mode.REHEARSE)
                .failure().reason().contains("public.bump()"), "a qualified name must match the schema");
        for (String written : List.of("BUMP", "public.bump", "\"public\".\"bump\"", "Public.Bump")) {
            RunResult rehearsed = Scripts.run(db, "-- @functions-reviewed " + written + ": adds one\nSELECT bump();\n",
                    Mode.REHEARSE).result();
            assertEquals(RunStatus.REHEARSED, rehearsed.status(), () -> written + ": " + rehearsed.failure());
        }
        RunResult quoted = Scripts.run(db, "-- @functions-reviewed \"Bump\": adds ten\nSELECT \"Bump\"();\n",
                Mode.REHEARSE).result();
        assertEquals(RunStatus.REHEARSED, quoted.status(), () -> String.valueOf(quoted.failure()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "-- @assert SELECT pg_terminate_backend(pg_backend_pid()) IS NOT NULL",
        "-- @assert SELECT norm('A') = 'a'",
        "-- @functions-reviewed norm: pure\n-- @assert SELECT norm('A') = 'a'",
        "-- @assert SELECT random() < 2",
    })
    void aCheckMayCallOnlyImmutableOrStableFunctions(String header) {
        RunResult result = refused(header + "\nSELECT 1;\n", Mode.REHEARSE);
        assertEquals(header.split("\n").length, result.failure().line());
        assertTrue(result.failure().reason().startsWith("@assert"), result.failure().reason());
        assertEquals("0", single("SELECT count(*) FROM pg_settings WHERE name = 'statement_timeout' AND setting = '0' AND source <> 'default'"));
    }

    @Test
    void aCheckCallingStableAndImmutableFunctionsRuns() {
        RunResult result = Scripts.run(db, "-- @assert SELECT twice(2) = 4 AND now() IS NOT NULL AND lower('A') = 'a'\nSELECT 1;\n",
                Mode.REHEARSE).result();
        assertEquals(RunStatus.REHEARSED, result.status(), () -> String.valueOf(result.failure()));
    }

    /**
     * Refused at run start, before the first statement, in every spelling (quoted, qualified, Unicode escapes); the
     * planner refuses {@code set_config} earlier, in every spelling too (plan.SettingRules).
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT pg_advisory_unlock_all()",
        "SELECT \"pg_catalog\" . \"setval\" ('t_id_seq', 1)",
        "SELECT pg_advisory_lock(1)",
        "SELECT pg_notify('channel', 'payload')",
        "SELECT pg_reload_conf()",
        "SELECT lo_create(0)",
        "SELECT pg_read_file('postgresql.conf')",
        "SELECT pg_ls_dir('.')",
        "SELECT query_to_xml('SELECT 1', true, true, '')",
    })
    void functionsWhoseEffectsEscapeTheTransactionAreRefused(String statement) {
        String before = DatabaseContents.digest(db, "public");
        RunResult result = refused("-- @rescue none: testing\nSELECT 1;\n" + statement + ";\n", Mode.RUN);
        assertEquals(2, result.failure().statement());
        assertEquals(3, result.failure().line());
        assertTrue(result.failure().reason().contains("scripts may not call it"), result.failure().reason());
        assertEquals(before, DatabaseContents.digest(db, "public"));
    }

    @Test
    void theAdvisoryUnlockIsRefusedSoTheEnginesLockHolds() {
        RunResult result = refused("SELECT pg_advisory_unlock_all();\n", Mode.RUN);
        // The run's own liveness lock goes with its session, whose server process may take a moment to exit after
        // the run closed it; every other advisory lock in this database must be gone already.
        assertEquals("0", single("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND NOT (objsubid = 2 AND objid::text::bigint = (hashtext('" + result.runId() + "')::bigint & 4294967295))"));
    }

    @Test
    void namesInStringsCommentsAndQuotedBodiesAreNotCalls() {
        RunResult result = Scripts.run(db, """
                SELECT 'setval(1)' AS "setval" /* setval( */ -- pg_notify(
                ;
                """, Mode.REHEARSE).result();
        assertEquals(RunStatus.REHEARSED, result.status(), () -> String.valueOf(result.failure()));
    }

    /**
     * A rehearsal runs before anyone approved the script, so a function the script itself creates must not slip past
     * the check because the catalog does not know it yet when the run starts.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE FUNCTION reset_ids() RETURNS bigint LANGUAGE sql AS $$ SELECT setval('t_id_seq', 1000) $$;\nSELECT reset_ids();",
        "CREATE OR REPLACE FUNCTION twice(x int) RETURNS int LANGUAGE sql AS 'SELECT setval(''t_id_seq'', 1000)::int';\nSELECT twice(1);",
    })
    void aFunctionTheScriptCreatesCannotCarryAnEscapingCallIntoTheRehearsal(String statements) {
        String before = single("SELECT last_value::text FROM t_id_seq");
        RunResult result = refused("-- @rescue none: test\n-- @functions-reviewed reset_ids: test\n"
                + "-- @functions-reviewed twice: test\n" + statements + "\n", Mode.REHEARSE);
        assertEquals(1, result.failure().statement());
        assertTrue(result.failure().reason().contains("setval"), result.failure().reason());
        assertEquals(before, single("SELECT last_value::text FROM t_id_seq"));
    }

    /** An operator the script binds to a function calls it wherever the script then uses the operator. */
    @Test
    void aFunctionBoundToAnOperatorCountsAsCalled() {
        String before = single("SELECT last_value::text FROM t_id_seq");
        RunResult result = refused("-- @rescue none: test\n"
                + "CREATE OPERATOR ### (LEFTARG = regclass, RIGHTARG = bigint, FUNCTION = pg_catalog.setval);\n"
                + "SELECT 't_id_seq'::regclass ### 1000;\n", Mode.REHEARSE);
        assertEquals(1, result.failure().statement());
        assertTrue(result.failure().reason().contains("setval()"), result.failure().reason());
        assertEquals(before, single("SELECT last_value::text FROM t_id_seq"));
    }

    @Test
    void aFunctionTheScriptCreatesOrRenamesCountsAsUnreviewedUntilAcknowledged() {
        String creates = "CREATE FUNCTION bump_twice() RETURNS void LANGUAGE sql AS 'UPDATE counters SET n = n + 2';\n"
                + "SELECT bump_twice();\n";
        RunResult result = refused("-- @rescue none: test\n" + creates, Mode.RUN);
        assertEquals(2, result.failure().statement());
        assertTrue(result.failure().reason().contains("bump_twice(), which this script creates"),
                result.failure().reason());
        RunResult renamed = refused("-- @rescue none: test\n-- @functions-reviewed bump: adds one\n"
                + "ALTER FUNCTION bump() RENAME TO harmless;\nSELECT harmless();\n", Mode.RUN);
        assertEquals(2, renamed.failure().statement());
        RunResult checked = refused("-- @rescue none: test\n-- @functions-reviewed bump_twice: adds two\n"
                + "-- @assert SELECT bump_twice() IS NULL\n" + creates, Mode.REHEARSE);
        assertTrue(checked.failure().reason().startsWith("@assert calls bump_twice()"), checked.failure().reason());
        assertEquals("0", single("SELECT n::text FROM counters"));

        RunResult run = Scripts.run(db, "-- @rescue none: test\n-- @functions-reviewed bump_twice: adds two\n" + creates,
                Mode.RUN).result();
        assertEquals(RunStatus.COMMITTED, run.status(), () -> String.valueOf(run.failure()));
        assertEquals("2", single("SELECT n::text FROM counters"));
    }

    /** {@code t.f} is PostgreSQL's functional notation for {@code f(t)}: no parentheses, but a call all the same. */
    @Test
    void aVolatileFunctionCalledOnARowWithoutParenthesesIsRefusedUntilAcknowledged() {
        db.execute("CREATE FUNCTION tally(t) RETURNS int LANGUAGE sql AS 'UPDATE counters SET n = n + 1 RETURNING n'");
        RunResult result = refused("SELECT x.tally FROM t x WHERE x.id = 1;\n", Mode.RUN);
        assertTrue(result.failure().reason().contains("public.tally()"), result.failure().reason());
        RunResult checked = refused("-- @functions-reviewed tally: counts\n-- @assert SELECT (x).tally > 0 FROM t x WHERE x.id = 1\n"
                + "SELECT 1;\n", Mode.RUN);
        assertTrue(checked.failure().reason().startsWith("@assert"), checked.failure().reason());
        assertEquals("0", single("SELECT n::text FROM counters"));

        RunResult run = Scripts.run(db, "-- @functions-reviewed tally: counts\nSELECT x.tally, x.name FROM t x WHERE x.id = 1;\n",
                Mode.RUN).result();
        assertEquals(RunStatus.COMMITTED, run.status(), () -> String.valueOf(run.failure()));
        assertEquals("1", single("SELECT n::text FROM counters"));
    }

    @Test
    void nextvalStaysAllowedAndARehearsalMayAdvanceTheSequence() {
        RunResult result = Scripts.run(db, "INSERT INTO t (name) VALUES ('d');\nSELECT nextval('t_id_seq');\n", Mode.REHEARSE).result();
        assertEquals(RunStatus.REHEARSED, result.status(), () -> String.valueOf(result.failure()));
        assertEquals("5", single("SELECT last_value::text FROM t_id_seq"), "documented: sequences do not roll back");
        assertEquals("3", single("SELECT count(*)::text FROM t"));
    }

    @Test
    void theRevertSectionIsJudgedLikeStatementsAndItsReversalCarriesTheAcknowledgement() throws Exception {
        String script = "UPDATE counters SET n = 5 WHERE id = 1;\n-- @revert\nSELECT bump();\n";
        RunResult refused = refused(script, Mode.RUN);
        assertTrue(refused.failure().reason().startsWith("the -- @revert section (its line 1)"), refused.failure().reason());
        assertTrue(refused.failure().reason().contains("public.bump()"), refused.failure().reason());

        RunResult run = Scripts.run(db, "-- @functions-reviewed bump: adds one\n" + script, Mode.RUN).result();
        assertEquals(RunStatus.COMMITTED, run.status(), () -> String.valueOf(run.failure()));
        io.prodscript.engine.ScriptEngine engine = io.prodscript.engine.ScriptEngine.create();
        var reversal = engine.reversal(Scripts.target(db), Scripts.credentials(), run.runId());
        assertEquals("adds one", reversal.directives().functionsReviewed().get(0).reason());
        RunResult reverted = engine.prepare(io.prodscript.engine.execution.RunRequest.of(reversal, Scripts.target(db),
                Scripts.credentials(), Mode.RUN, "bob").withRevertsRunId(run.runId()), e -> { }).run();
        assertEquals(RunStatus.COMMITTED, reverted.status(), () -> String.valueOf(reverted.failure()));
        assertEquals("6", single("SELECT n::text FROM counters"));
    }

    /**
     * The planner refuses NOTIFY, LISTEN and DO blocks itself; the run-start check refuses them again for a plan made
     * another way (the plan is built by hand here so that they reach it).
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "NOTIFY jobs, 'go'|NOTIFY sends a notification",
        "LISTEN jobs|LISTEN subscribes",
        "DO $$ BEGIN PERFORM setval('t_id_seq', 1); END $$|pg_catalog.setval()",
        "DO $body$ BEGIN PERFORM bump(); END $body$|public.bump()",
    })
    void commandsAndDoBlocksThatActOutsideTheTransactionAreRefused(String statementAndReason) throws Exception {
        String[] parts = statementAndReason.split("\\|");
        Plan plan = new Plan("scripts/test.sql", "0".repeat(64), Scripts.plan("SELECT 1;").directives(),
                List.of(new PlannedStatement(1, 2, StatementKind.OTHER, List.of(), parts[0])), null);
        Containment.Result result = db.jdbi().withHandle(h -> Containment.check(h, plan, false, "rescue"));
        assertEquals(2, result.breach().line());
        assertTrue(result.breach().reason().contains(parts[1]), result.breach().reason());
    }
}
