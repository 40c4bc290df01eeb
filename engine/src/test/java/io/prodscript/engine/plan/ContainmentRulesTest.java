package io.prodscript.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.testing.Scripts;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plan-level rules of issue 9: engine-owned settings, the engine's schemas, SELECT INTO, full-table conditions, DROP. */
class ContainmentRulesTest {
    private static Refusal refusal(String sql) {
        return assertThrows(Refusal.class, () -> Scripts.plan(sql));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SET statement_timeout = 0",
        "SET statement_timeout TO 0",
        "SET LOCAL statement_timeout TO '0'",
        "SET SESSION statement_timeout = 0",
        "SET \"statement_timeout\" = 0",
        "SET LOCAL \"statement_timeout\" = 0",
        "SET LOCAL U&\"\\0073tatement_timeout\" = 0",
        "SET LOCAL U&\"!0073tatement!005Ftimeout\" UESCAPE '!' TO 0",
        "RESET U&\"lock\\005Ftimeout\"",
        "SELECT U&\"\\0073et_config\"('statement_timeout', '0', true)",
        "set Statement_Timeout = 0",
        "SET lock_timeout TO DEFAULT",
        "SET idle_in_transaction_session_timeout = 0",
        "SET default_transaction_isolation = 'read committed'",
        "SET transaction_isolation = 'read committed'",
        "SET application_name = 'innocent'",
        "SET session_replication_role = replica",
        "SET LOCAL session_replication_role TO 'replica'",
        "SET default_transaction_read_only = off",
        "RESET lock_timeout",
        "RESET \"statement_timeout\"",
        "SELECT set_config('statement_timeout', '0', true)",
        "SELECT pg_catalog.set_config('statement_timeout', '0', true)",
        "SELECT \"set_config\"('statement_timeout', '0', true)",
        "SELECT pg_catalog.\"set_config\"('Lock_Timeout', '0', false)",
        "SELECT set_config('session_replication_role', 'replica', true)",
        "SELECT set_config(name, '0', true) FROM (VALUES ('statement_timeout')) v(name)",
        "UPDATE pg_settings SET setting = '0' WHERE name = 'statement_timeout'",
        "UPDATE pg_catalog.pg_settings SET setting = '0' WHERE name = 'lock_timeout'",
        "SET search_path TO archive, public",
        "SET search_path = archive",
        "SET LOCAL search_path TO archive",
        "SET SCHEMA 'archive'",
        "SELECT set_config('search_path', 'archive', true)",
        "SET ROLE admin",
        "SET LOCAL ROLE admin",
        "RESET ROLE",
        "SET SESSION AUTHORIZATION bob",
        "RESET SESSION AUTHORIZATION",
        "SET NAMES 'LATIN1'",
    })
    void engineOwnedSettingsAreRecognisedHoweverWritten(String statement) {
        Refusal r = refusal("SELECT 1;\n" + statement + ";");
        assertEquals(2, r.line().getAsInt(), r::getMessage);
    }

    /** Settings a later run would inherit, or that apply while a function the script defines runs. */
    @ParameterizedTest
    @ValueSource(strings = {
        "ALTER ROLE CURRENT_USER SET search_path = script_runner, public|search_path",
        "ALTER ROLE prodscript_runner IN DATABASE shop SET \"Search_Path\" TO script_runner|search_path",
        "ALTER USER CURRENT_USER SET role = 'admin'|role",
        "ALTER DATABASE shop SET session_replication_role = replica|session_replication_role",
        "ALTER ROLE CURRENT_USER RESET role|role",
        "CREATE FUNCTION slow() RETURNS void LANGUAGE sql SET statement_timeout = 0 AS $$ SELECT pg_sleep(60) $$|statement_timeout",
        "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql SET lock_timeout TO '1h' AS 'SELECT 1'|lock_timeout",
        "ALTER FUNCTION f() SET session_replication_role = replica|session_replication_role",
    })
    void settingsThatOutliveTheStatementAreRecognisedInRoleDatabaseAndFunctionDefinitions(String statementAndSetting) {
        String[] parts = statementAndSetting.split("\\|");
        Refusal r = refusal("-- @rescue none: test\nSELECT 1;\n" + parts[0] + ";");
        assertEquals(3, r.line().getAsInt(), r::getMessage);
        assertTrue(r.getMessage().contains(parts[1]), r::getMessage);
    }

    @Test
    void aFunctionMayPinItsOwnSearchPath() {
        assertEquals(StatementKind.DDL, Scripts.plan("-- @rescue none: test\nCREATE FUNCTION f() RETURNS int LANGUAGE sql"
                + " SECURITY DEFINER SET search_path = pg_catalog, public AS 'SELECT 1';").statements().get(0).kind());
        assertEquals(StatementKind.DDL, Scripts.plan("-- @rescue none: test\nALTER ROLE reporting SET statement_timeout = '5min';")
                .statements().get(0).kind());
    }

    @Test
    void refusalsGiveTheRightAdvice() {
        assertTrue(refusal("SET search_path TO archive, public;").getMessage().contains("schema-qualified"));
        String role = refusal("SET ROLE admin;").getMessage();
        assertTrue(role.contains("another database user") && !role.contains("@statement-timeout"), role);
        assertTrue(refusal("SET LOCAL \"statement_timeout\" = 0;").getMessage().contains("@statement-timeout"));
    }

    @Test
    void otherSettingsMayBeChangedWithSetLocalButNotWithSetConfig() {
        for (String call : List.of("SELECT set_config('app.current_user', 'ops', true);",
                "SELECT \"pg_catalog\".\"set_config\"('work_mem', '1MB', true);",
                "UPDATE t SET name = set_config('work_mem', '1MB', true) WHERE id = 1;",
                "SELECT U&\"\\0073et_config\"('work_mem', '1MB', true);",
                "SELECT pg_catalog.U&\"set\\005Fconfig\"('work_mem', '1MB', true);")) {
            assertTrue(refusal(call).getMessage().contains("SET LOCAL <name> = <value>"), call);
        }
        assertEquals(StatementKind.UTILITY, Scripts.plan("SET LOCAL enable_hashjoin = off;").statements().get(0).kind());
    }

    @Test
    void theSameRulesHoldForAssertionsAndTheRevertSection() {
        assertEquals(1, refusal("-- @assert SELECT set_config('statement_timeout', '0', true) = '0'\nSELECT 1;").line().getAsInt());
        assertEquals(1, refusal("-- @assert SELECT \"set_config\"('lock_timeout', '0', true) IS NOT NULL\nSELECT 1;").line().getAsInt());
        assertEquals(1, refusal("-- @assert SELECT count(*) > 0 INTO copied FROM orders\nSELECT 1;").line().getAsInt());
        assertEquals(4, refusal("UPDATE t SET a = 2 WHERE id = 1;\n-- @revert\nSELECT 1;\nSET LOCAL \"statement_timeout\" = 0;\n").line().getAsInt());
        assertEquals(4, refusal("UPDATE t SET a = 2 WHERE id = 1;\n-- @revert\nSELECT 1;\nUPDATE pg_settings SET setting = '0' WHERE name = 'lock_timeout';\n").line().getAsInt());
        assertEquals(3, refusal("UPDATE t SET a = 2 WHERE id = 1;\n-- @revert\nDELETE FROM script_runner.runs WHERE true;\n").line().getAsInt());
        assertEquals(3, refusal("UPDATE t SET a = 2 WHERE id = 1;\n-- @revert\nDROP TABLE t;\n").line().getAsInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "DELETE FROM script_runner.runs WHERE id = 'x'",
        "UPDATE script_runner.runs SET status = 'reverted' WHERE id = 'x'",
        "UPDATE \"script_runner\".runs SET status = 'reverted' WHERE id = 'x'",
        "UPDATE Script_Runner.runs SET status = 'reverted' WHERE id = 'x'",
        "INSERT INTO script_runner.approvals SELECT * FROM script_runner.approvals",
        "DELETE FROM rescue.r_abc_1_orders WHERE true",
        "TRUNCATE rescue.r_abc_1_orders",
        "DROP TABLE rescue.r_abc_1_orders",
        "ALTER TABLE script_runner.runs DISABLE TRIGGER ALL",
        "DROP SCHEMA rescue CASCADE",
        "GRANT ALL ON ALL TABLES IN SCHEMA script_runner TO PUBLIC",
        "LOCK TABLE script_runner.runs IN ACCESS EXCLUSIVE MODE",
        "WITH gone AS (DELETE FROM script_runner.runs WHERE id = 'x' RETURNING 1) SELECT count(*) FROM gone",
        "SELECT * FROM script_runner.runs FOR UPDATE",
        "SELECT 1 FROM script_runner.runs r FOR NO KEY UPDATE OF r NOWAIT",
        "WITH held AS (SELECT * FROM script_runner.runs FOR KEY SHARE) SELECT count(*) FROM held",
        "UPDATE orders SET a = 1 WHERE id IN (SELECT 1 FROM \"script_runner\".runs FOR SHARE)",
        "UPDATE U&\"\\0073cript_runner\".runs SET status = 'x' WHERE run_id = 'y'",
        "UPDATE u&\"!0073cript_runner\" UESCAPE '!' . runs SET status = 'x' WHERE run_id = 'y'",
        "DELETE FROM U&\"r\\0065scue\".r_abc_1_orders WHERE true",
        "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ UPDATE script_runner.runs SET status = 'x' WHERE false $$",
        "CREATE OR REPLACE PROCEDURE p() LANGUAGE plpgsql AS $b$ BEGIN DELETE FROM rescue.r_1 WHERE true; END $b$",
        "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'UPDATE \"script_runner\".runs SET status = ''x'' WHERE false'",
    })
    void statementsWritingTheEngineSchemasAreRefused(String statement) {
        Refusal r = refusal("-- @allow-destructive\n-- @allow-full-table\n-- @rescue none: test\nSELECT 1;\n" + statement + ";");
        assertEquals(5, r.line().getAsInt(), r::getMessage);
        assertTrue(r.getMessage().contains("belongs to the engine"), r::getMessage);
    }

    @Test
    void aRoutineBodyInAnotherLanguageIsNotReadAsSql() {
        PlannedStatement s = Scripts.plan("-- @rescue none: a function\nCREATE FUNCTION py() RETURNS int LANGUAGE plpython3u"
                + " AS $$\n# it's not SQL: an unclosed quote\nreturn 1\n$$;").statements().get(0);
        assertEquals(StatementKind.DDL, s.kind());
        Refusal unreadable = refusal("-- @rescue none: a function\nCREATE FUNCTION f() RETURNS void LANGUAGE plpgsql"
                + " AS $$ BEGIN \\ UPDATE script_runner.runs SET status = 'x' WHERE false; END $$;");
        assertTrue(unreadable.getMessage().contains("cannot be read as SQL"), unreadable::getMessage);
    }

    @Test
    void rescueTablesMayBeReadByAHandWrittenReversal() {
        Plan plan = Scripts.plan("-- @rescue none: a reversal\nUPDATE orders o SET status = r.status FROM rescue.r_1_orders r"
                + " WHERE r.id = o.id;\nSELECT count(*) FROM script_runner.runs;\nSELECT * FROM orders FOR UPDATE;");
        assertEquals(List.of(StatementKind.UPDATE, StatementKind.SELECT, StatementKind.SELECT),
                plan.statements().stream().map(PlannedStatement::kind).toList());
    }

    @Test
    void selectIntoCreatesATable() {
        PlannedStatement s = Scripts.plan("-- @rescue none: copy\nSELECT * INTO orders_copy FROM orders WHERE id < 10;")
                .statements().get(0);
        assertEquals(StatementKind.DDL, s.kind());
        assertEquals(List.of("orders_copy"), s.tables());
        assertEquals(StatementKind.DDL, Scripts.plan("-- @rescue none: copy\nSELECT id INTO TEMP TABLE ids FROM orders;")
                .statements().get(0).kind());
        assertTrue(refusal("SELECT * INTO orders_copy FROM orders;").getMessage().contains("schema"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "UPDATE orders SET status = 'x' WHERE true",
        "UPDATE orders SET status = 'x' WHERE TRUE RETURNING id",
        "DELETE FROM orders WHERE 1=1",
        "DELETE FROM orders WHERE 1 = 1 OR false",
        "DELETE FROM orders WHERE 'a' = 'a'",
        "UPDATE orders SET status = 'x' WHERE NOT false",
        "WITH gone AS (DELETE FROM orders WHERE true RETURNING id) SELECT count(*) FROM gone",
    })
    void conditionsThatDoNotDependOnTheRowsNeedAllowFullTable(String statement) {
        assertRefusedUnless("@allow-full-table", "-- @allow-destructive\n", statement);
    }

    /** Refused at its line without the directive (the other header lines given), planned with it. */
    private static void assertRefusedUnless(String directive, String otherHeader, String statement) {
        String header = otherHeader + "-- @rescue none: test\n";
        Refusal r = refusal(header + "SELECT 1;\n" + statement + ";");
        assertEquals(header.split("\n").length + 2, r.line().getAsInt(), r::getMessage);
        assertTrue(r.getMessage().contains(directive), r::getMessage);
        Scripts.plan("-- " + directive + "\n" + header + statement + ";");
    }

    @Test
    void conditionsOnTheRowsAreFine() {
        Scripts.plan("DELETE FROM orders WHERE id = 1;\nUPDATE orders SET status = 'x' WHERE \"Id\" = 1 OR true;\n"
                + "DELETE FROM orders WHERE created < now() - interval '1 year';");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "DROP TABLE orders",
        "DROP TABLE IF EXISTS orders",
        "DROP INDEX orders_status",
        "DROP VIEW v",
        "DROP FUNCTION f()",
        "DROP TYPE mood",
        "DROP SEQUENCE s",
        "DROP SCHEMA app",
        "DROP OWNED BY bob",
        "ALTER TABLE orders DROP COLUMN status",
        "ALTER TABLE orders DROP status",
        "ALTER TABLE orders DROP CONSTRAINT c",
        "ALTER TYPE address DROP ATTRIBUTE zip",
        "TRUNCATE orders CASCADE",
    })
    void everyDropNeedsAllowDestructive(String statement) {
        assertRefusedUnless("@allow-destructive", "-- @allow-full-table\n", statement);
    }

    @Test
    void droppingADefaultOrNotNullIsNotDestructive() {
        Scripts.plan("-- @rescue none: test\nALTER TABLE orders ALTER COLUMN status DROP DEFAULT;\n"
                + "ALTER TABLE orders ALTER COLUMN status DROP NOT NULL;");
    }
}
