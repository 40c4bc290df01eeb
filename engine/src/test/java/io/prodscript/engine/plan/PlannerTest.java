package io.prodscript.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.testing.Scripts;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PlannerTest {
    @Test
    void classifiesStatementsWithTheirTablesAndLines() {
        Plan plan = Scripts.plan("""
                -- @allow-full-table
                -- @rescue none: classification only
                INSERT INTO public.notes (body) VALUES ('x') ON CONFLICT DO NOTHING;
                UPDATE accounts a SET status = s.status FROM staging s WHERE s.id = a.id;
                DELETE FROM sessions USING accounts WHERE sessions.account_id = accounts.id AND accounts.status = 'closed';
                ALTER TABLE accounts ADD COLUMN IF NOT EXISTS closed_at timestamptz;
                CREATE TABLE archive (id int PRIMARY KEY);
                SELECT count(*) FROM accounts JOIN sessions ON sessions.account_id = accounts.id;
                TRUNCATE archive;
                WITH gone AS (DELETE FROM notes WHERE id < 10 RETURNING id) SELECT count(*) FROM gone;
                """);
        List<PlannedStatement> s = plan.statements();
        assertEquals(List.of(StatementKind.INSERT, StatementKind.UPDATE, StatementKind.DELETE, StatementKind.DDL,
                StatementKind.DDL, StatementKind.SELECT, StatementKind.OTHER, StatementKind.OTHER),
                s.stream().map(PlannedStatement::kind).toList());
        assertEquals(List.of(3, 4, 5, 6, 7, 8, 9, 10), s.stream().map(PlannedStatement::line).toList());
        assertTrue(plan.directives().allowFullTable());
        assertEquals(List.of("public.notes"), s.get(0).tables());
        assertEquals(List.of("accounts"), s.get(1).tables());
        assertEquals(List.of("sessions"), s.get(2).tables());
        assertEquals(List.of("accounts"), s.get(3).tables());
        assertEquals(List.of("archive"), s.get(4).tables());
        assertEquals(List.of("accounts", "sessions"), s.get(5).tables());
        assertEquals(List.of("archive"), s.get(6).tables());
        assertEquals(List.of("notes"), s.get(7).tables());
        assertEquals(Scripts.script(" ").checksum().length(), plan.checksum().length());
        assertEquals("#2 (line 4) UPDATE accounts", s.get(1).label());
    }

    private static Refusal refusal(String sql) {
        return assertThrows(Refusal.class, () -> Scripts.plan(sql));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "BEGIN|transaction control",
        "start transaction|transaction control",
        "COMMIT|transaction control",
        "END|transaction control",
        "ROLLBACK|transaction control",
        "SAVEPOINT a|transaction control",
        "RELEASE SAVEPOINT a|transaction control",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE|transaction control",
        "VACUUM accounts|cannot run inside a transaction",
        "CREATE INDEX CONCURRENTLY i ON accounts (id)|cannot run inside a transaction",
        "create unique index concurrently i ON accounts (id)|cannot run inside a transaction",
        "DROP INDEX CONCURRENTLY i|cannot run inside a transaction",
        "REINDEX TABLE CONCURRENTLY accounts|cannot run inside a transaction",
        "CREATE DATABASE other|cannot run inside a transaction",
        "DROP DATABASE prod|cannot run inside a transaction",
        "ALTER SYSTEM SET work_mem = '1GB'|cannot run inside a transaction",
        "COPY accounts FROM STDIN|COPY is not allowed",
        "COPY accounts TO '/tmp/leak.csv'|COPY is not allowed",
        "SET statement_timeout = 0|the engine sets statement_timeout",
        "SET LOCAL lock_timeout = 0|the engine sets lock_timeout",
        "DROP SCHEMA app CASCADE|@allow-destructive",
        "DROP SCHEMA app|@allow-destructive",
        "DROP TABLE accounts CASCADE|@allow-destructive",
        "UPDATE accounts SET status = 'x'|UPDATE without WHERE",
        "DELETE FROM accounts|DELETE without WHERE",
        "UPDATE accounts SET SET = = 1 WHERE|the WHERE clause is empty",
        "SET SESSION AUTHORIZATION bob|another database user",
        "SET ROLE admin|another database user",
        "RESET ALL|RESET ALL",
        "RESET statement_timeout|the engine sets statement_timeout",
        "SELECT set_config('statement_timeout', '0', false)|set_config()",
        "TRUNCATE accounts|TRUNCATE empties whole tables",
        "NOTIFY jobs, 'go'|NOTIFY sends a notification",
        "LISTEN jobs|LISTEN subscribes",
        "UNLISTEN *|UNLISTEN changes",
        "WITH gone AS (DELETE FROM accounts RETURNING id) SELECT count(*) FROM gone|DELETE without WHERE",
        "WITH c AS (UPDATE accounts SET status = 'x' RETURNING id) INSERT INTO log SELECT id FROM c|UPDATE without WHERE",
    })
    void refusesUnsafeStatementsWithTheirLine(String statement, String reason) {
        Refusal r = refusal("-- @description refused\nSELECT 1;\n" + statement + ";\n");
        assertEquals(3, r.line().getAsInt(), r::getMessage);
        assertTrue(r.getMessage().contains(reason), r::getMessage);
    }

    @Test
    void explicitDirectivesAllowFullTableAndDestructiveStatements() {
        assertEquals(2, Scripts.plan("-- @allow-full-table\nUPDATE flags SET enabled = false;\nDELETE FROM cache;").statements().size());
        assertEquals(StatementKind.DDL, Scripts.plan("-- @allow-destructive\n-- @rescue none: retired schema\nDROP SCHEMA old_app CASCADE;")
                .statements().get(0).kind());
    }

    @Test
    void quotedWordsDoNotTriggerRefusals() {
        Plan plan = Scripts.plan("INSERT INTO notes (body) VALUES ('BEGIN; VACUUM; COPY x FROM STDIN; DROP SCHEMA a CASCADE');");
        assertEquals(StatementKind.INSERT, plan.statements().get(0).kind());
    }

    @Test
    void aScriptWithOnlyCommentsIsRefused() {
        assertTrue(refusal("-- @description nothing\n-- at all\n").getMessage().contains("no SQL statements"));
    }

    @Test
    void expectationsMustNameExistingStatementsAndWrittenTables() {
        assertEquals(1, refusal("-- @expect-rows 3: 1\nDELETE FROM t WHERE id = 1;").line().getAsInt());
        assertEquals(1, refusal("-- @expect-rows other: 1\nDELETE FROM t WHERE id = 1;").line().getAsInt());
        assertEquals(1, Scripts.plan("-- @expect-rows public.T: 1\nDELETE FROM t WHERE id = 1;").directives().expectedRows().size());
    }

    @Test
    void assertionsMustBeReadOnlyQueries() {
        assertEquals(1, refusal("-- @assert DELETE FROM t\nSELECT 1;").line().getAsInt());
        assertEquals(1, refusal("-- @assert WITH d AS (DELETE FROM t RETURNING 1) SELECT true\nSELECT 1;").line().getAsInt());
    }

    @Test
    void revertSectionIsCheckedAndKept() {
        Plan plan = Scripts.plan("UPDATE t SET a = 2 WHERE id = 1;\n-- @revert\nUPDATE t SET a = 1 WHERE id = 1;\n");
        assertEquals("UPDATE t SET a = 1 WHERE id = 1;\n", plan.revertSql());
        assertEquals(1, plan.statements().size());
        assertEquals(4, refusal("UPDATE t SET a = 2 WHERE id = 1;\n-- @revert\nSELECT 1;\nCOMMIT;\n").line().getAsInt());
    }

    @Test
    void statementsWritingThroughWithAreNotCountedAsPlainDml() {
        PlannedStatement s = Scripts.plan("-- @rescue none: archived elsewhere\n"
                + "WITH moved AS (DELETE FROM queue WHERE done RETURNING *) INSERT INTO archive SELECT * FROM moved;").statements().get(0);
        assertEquals(StatementKind.OTHER, s.kind());
        assertEquals(List.of("queue"), s.tables());
    }
}
