package io.prodscript.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.execution.StatementResult;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The statements of issue 11 that were refused although PostgreSQL runs them: each plans with rescue on (the default
 * engine), and each data change rehearses on a real database with the row count PostgreSQL reports.
 */
class ValidPostgresqlTest {
    private static TestDatabase db;

    @BeforeAll
    static void shop() {
        db = TestDatabase.create();
        db.execute("""
                CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL);
                CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id),
                                     total_cents bigint NOT NULL, status text NOT NULL DEFAULT 'open');
                CREATE TABLE counters (k text PRIMARY KEY, v int NOT NULL);
                CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
                INSERT INTO customers VALUES (7, 'obrien@example.com'), (8, 'x@example.com'), (9, 'y@example.com');
                INSERT INTO orders VALUES (1, 7, 100, 'open'), (2, 8, 200, 'open'), (3, 7, 300, 'open');
                INSERT INTO counters VALUES ('c8', 1);
                """);
    }

    private static PlannedStatement only(String sql) {
        Plan plan = Scripts.plan(sql);
        assertEquals(1, plan.statements().size(), () -> String.valueOf(plan.statements()));
        return plan.statements().get(0);
    }

    private static RunResult rehearse(String sql) {
        RunResult result = Scripts.run(db, sql, Mode.REHEARSE).result();
        assertEquals(RunStatus.REHEARSED, result.status(), () -> String.valueOf(result.failure()));
        return result;
    }

    @Test
    void anEscapeStringWithABackslashQuoteIsReadAndRehearsed() {
        String sql = "UPDATE customers SET email = E'o\\'brien@example.com' WHERE id = 7;";
        assertEquals(StatementKind.UPDATE, only(sql).kind());
        assertEquals(List.of(1L), rehearse(sql).statements().stream().map(StatementResult::rows).toList());
    }

    @Test
    void insertSelectWithAJoinAndOnConflictIsReadAndRehearsed() {
        String sql = "INSERT INTO counters(k, v) SELECT 'c' || c.id, 1 FROM customers c JOIN orders o"
                + " ON o.customer_id = c.id ON CONFLICT DO NOTHING;";
        PlannedStatement s = only(sql);
        assertEquals(StatementKind.INSERT, s.kind());
        assertEquals(List.of("counters"), s.tables());
        // orders 1 and 3 give c7 twice (the second conflicts), order 2 gives c8, which exists: one new row.
        assertEquals(List.of(1L), rehearse(sql).statements().stream().map(StatementResult::rows).toList());
    }

    @Test
    void everySetToFormIsRead() {
        assertEquals(StatementKind.UTILITY, only("SET LOCAL work_mem TO '64MB';").kind());
        assertEquals(StatementKind.UTILITY, only("SET work_mem = 65536;").kind());
        assertEquals(StatementKind.UTILITY, only("SET SESSION enable_seqscan TO off;").kind());
        assertEquals(StatementKind.UTILITY, only("SET TIME ZONE 'UTC';").kind());
        Refusal searchPath = assertThrows(Refusal.class, () -> Scripts.plan("SET search_path TO archive, public;"));
        assertTrue(searchPath.getMessage().contains("the run pins search_path"), searchPath::getMessage);
        assertTrue(searchPath.getMessage().contains("schema-qualified"), searchPath::getMessage);
        rehearse("SET LOCAL work_mem TO '64MB';\nUPDATE orders SET status = 'checked' WHERE id = 1;");
    }

    @Test
    void schemaChangesFromTheIssuePlanAsDdl() {
        for (String ddl : List.of(
                "ALTER TYPE mood ADD VALUE 'calm'",
                "ALTER TABLE orders ADD CONSTRAINT c CHECK (total_cents < 100000000) NOT VALID",
                "ALTER TABLE orders VALIDATE CONSTRAINT c",
                "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID",
                "CREATE TRIGGER t AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION f()",
                "ALTER TABLE orders DISABLE TRIGGER ALL",
                "CREATE EXTENSION IF NOT EXISTS pgcrypto",
                "CREATE TYPE mood AS ENUM ('a','b')",
                "CREATE TABLE orders_2027 PARTITION OF orders FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')",
                "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT a + b; END",
                "COMMENT ON TABLE orders IS $$what customers bought; don't drop$$",
                "REVOKE UPDATE ON orders FROM PUBLIC",
                "GRANT SELECT ON orders TO PUBLIC")) {
            PlannedStatement s = only("-- @rescue none: schema change\n" + ddl + ";");
            assertEquals(StatementKind.DDL, s.kind(), ddl);
            assertEquals(ddl, s.sql());
        }
        assertEquals(List.of("orders"), only("-- @rescue none: trigger\n"
                + "CREATE TRIGGER t AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION f();").tables());
    }

    @Test
    void schemaChangesOfTheIssueRunOnARealDatabase() {
        TestDatabase fresh = TestDatabase.create();
        fresh.execute("""
                CREATE TABLE customers (id int PRIMARY KEY);
                CREATE TABLE orders (id int, customer_id int, total_cents bigint, created date) PARTITION BY RANGE (created);
                CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
                CREATE TYPE mood AS ENUM ('a', 'b');
                """);
        RunResult result = Scripts.run(fresh, """
                -- @rescue none: schema changes, reverted by the next migration
                -- @triggers-fire t: created disabled, for the application to enable later
                ALTER TYPE mood ADD VALUE 'calm';
                CREATE TABLE orders_2027 PARTITION OF orders FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
                ALTER TABLE orders_2027 ADD CONSTRAINT c CHECK (total_cents < 100000000) NOT VALID;
                ALTER TABLE orders_2027 VALIDATE CONSTRAINT c;
                CREATE TRIGGER t AFTER UPDATE ON orders_2027 FOR EACH ROW EXECUTE FUNCTION f();
                ALTER TABLE orders_2027 DISABLE TRIGGER ALL;
                CREATE TYPE mood2 AS ENUM ('a','b');
                CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT a + b; END;
                SELECT add(1, 2);
                LOCK TABLE customers IN SHARE MODE;
                COMMENT ON TABLE customers IS $$who buys; don't drop$$;
                REVOKE UPDATE ON customers FROM PUBLIC;
                """, Mode.REHEARSE).result();
        assertEquals(RunStatus.REHEARSED, result.status(), () -> String.valueOf(result.failure()));
        assertEquals(12, result.statements().size());
    }

    @Test
    void aBeginAtomicBodyIsOneStatement() {
        Plan plan = Scripts.plan("-- @rescue none: function\nCREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql"
                + " IMMUTABLE\nBEGIN ATOMIC\n  SELECT a + b;\n  SELECT CASE WHEN a > b THEN a ELSE b END;\nEND;\nSELECT add(1, 2);");
        assertEquals(List.of(StatementKind.DDL, StatementKind.SELECT),
                plan.statements().stream().map(PlannedStatement::kind).toList());
    }

    @Test
    void lockTableIsPartOfACarefulDataFix() {
        Plan plan = Scripts.plan("LOCK TABLE orders IN SHARE MODE;\nUPDATE orders SET status = 'x' WHERE id = 2;");
        assertEquals(StatementKind.UTILITY, plan.statements().get(0).kind());
        rehearse("LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE;\nUPDATE orders SET status = 'x' WHERE id = 2;");
    }

    @Test
    void aDoBlockIsRefusedInAPlainSentence() {
        Refusal r = assertThrows(Refusal.class, () -> Scripts.plan("SELECT 1;\nDO $$ BEGIN UPDATE orders SET status = 'x'; END $$;"));
        assertEquals(2, r.line().getAsInt());
        assertTrue(r.getMessage().contains("DO block"), r::getMessage);
        assertFalse(r.getMessage().contains("Exception"), r::getMessage);
    }

    @Test
    void mergeIsClassifiedAndRescueSaysWhatToDo() {
        String merge = "MERGE INTO counters c USING (SELECT 'c9' AS k) s ON c.k = s.k"
                + " WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, 1);";
        assertEquals(StatementKind.MERGE, only("-- @rescue none: counters are derived\n" + merge).kind());
        Refusal r = assertThrows(Refusal.class, () -> Scripts.plan(merge));
        assertTrue(r.getMessage().contains("separate INSERT, UPDATE and DELETE"), r::getMessage);
        assertEquals(List.of(1L), rehearse("-- @rescue none: counters are derived\n" + merge).statements().stream()
                .map(StatementResult::rows).toList());
    }
}
