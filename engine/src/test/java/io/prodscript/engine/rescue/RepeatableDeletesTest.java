package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prodscript.engine.testing.TestDatabase;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which DELETEs are copied first and proved by counts: only those whose condition picks the same rows twice in one
 * snapshot. Each statement that must not be is one way of picking other rows the second time.
 */
class RepeatableDeletesTest {
    private static TestDatabase db;

    @BeforeAll
    static void createData() {
        db = TestDatabase.create();
        db.execute("""
                CREATE TABLE parcels (id int PRIMARY KEY, code text NOT NULL, sent timestamptz, locked boolean NOT NULL);
                CREATE TABLE holds (parcel int NOT NULL, reason text);
                CREATE VIEW held AS SELECT parcel FROM holds;
                CREATE TABLE guarded (id int PRIMARY KEY);
                ALTER TABLE guarded ENABLE ROW LEVEL SECURITY;
                CREATE TABLE ruled (id int PRIMARY KEY);
                CREATE RULE ruled_keep AS ON DELETE TO ruled DO INSTEAD NOTHING;
                CREATE TABLE base (id int PRIMARY KEY);
                CREATE TABLE child () INHERITS (base);
                CREATE SEQUENCE tickets;
                CREATE FUNCTION weight_of(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';
                CREATE FUNCTION holds_now() RETURNS int LANGUAGE sql STABLE AS 'SELECT count(*)::int FROM holds';
                """);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "DELETE FROM parcels WHERE id % 5 = 0",
        "DELETE FROM parcels",
        "DELETE FROM public.parcels AS p WHERE p.sent < now() - interval '30 days' AND NOT p.locked",
        "DELETE FROM parcels WHERE sent < CURRENT_DATE - 7 OR sent < '2024-01-01'::timestamptz",
        "DELETE FROM parcels p USING holds h WHERE p.id = h.parcel AND h.reason IS NULL",
        "DELETE FROM parcels WHERE id IN (SELECT parcel FROM holds GROUP BY parcel HAVING count(*) > 1)",
        "DELETE FROM parcels WHERE id = (SELECT max(parcel) FROM holds)",
        "WITH old AS (SELECT parcel FROM holds) DELETE FROM parcels WHERE id IN (SELECT parcel FROM old)",
        "DELETE FROM parcels WHERE weight_of(id) > 10 AND lower(code) LIKE 'p%'",
        "DELETE FROM parcels WHERE id IN (SELECT id FROM parcels ORDER BY id)",
    })
    void aConditionThatPicksTheSameRowsIsCopiedFirst(String delete) {
        assertEquals(Set.of(1), find(delete), delete);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // chance, and values that move between two statements
        "DELETE FROM parcels WHERE random() < 0.5",
        "DELETE FROM parcels WHERE sent < statement_timestamp() - interval '1 day'",
        "DELETE FROM parcels WHERE id < holds_now()",
        "DELETE FROM parcels WHERE id < nextval('tickets')",
        "DELETE FROM parcels WHERE id = (SELECT CASE WHEN is_called THEN 1 ELSE 2 END FROM tickets)",
        "DELETE FROM parcels WHERE id < (SELECT count(*) FROM pg_class)",
        "DELETE FROM parcels WHERE to_regclass('rescue.x') IS NULL OR id = 1",
        // order
        "DELETE FROM parcels WHERE id IN (SELECT id FROM parcels WHERE NOT locked LIMIT 5)",
        "DELETE FROM parcels WHERE id IN (SELECT id FROM parcels OFFSET 5)",
        "DELETE FROM parcels WHERE id IN (SELECT id FROM parcels FETCH FIRST 5 ROWS ONLY)",
        "DELETE FROM parcels WHERE id IN (SELECT id FROM parcels TABLESAMPLE BERNOULLI (50))",
        "DELETE FROM parcels WHERE id IN (SELECT DISTINCT ON (parcel) parcel FROM holds)",
        "DELETE FROM parcels WHERE id IN (SELECT row_number() OVER () FROM holds)",
        "DELETE FROM parcels WHERE id = (ARRAY(SELECT parcel FROM holds))[1]",
        "DELETE FROM parcels WHERE id = (SELECT (array_agg(parcel))[1] FROM holds)",
        "DELETE FROM parcels WHERE code = (SELECT string_agg(reason, ',') FROM holds)",
        // locks and cursors
        "DELETE FROM parcels WHERE id IN (SELECT id FROM parcels FOR UPDATE SKIP LOCKED)",
        "DELETE FROM parcels WHERE CURRENT OF parcel_cursor",
        // relations that are not plain tables, or that answer differently to a DELETE
        "DELETE FROM parcels WHERE id IN (SELECT parcel FROM held)",
        "DELETE FROM guarded",
        "DELETE FROM ruled WHERE id = 1",
        "DELETE FROM parcels WHERE id IN (SELECT id FROM base)",
    })
    void aConditionThatMayPickOtherRowsIsSavedInOnePass(String delete) {
        assertEquals(Set.of(), find(delete), delete);
    }

    @Test
    void oneQueryJudgesEachStatementByItsOwnWords() {
        assertEquals(Set.of(1, 3), RepeatableDeletes.find(db.runnerJdbi().open(), Map.of(
                1, "DELETE FROM parcels WHERE id = 1", 2, "DELETE FROM parcels WHERE random() < 0.1",
                3, "DELETE FROM parcels WHERE id = 3")));
    }

    @Test
    void anOperatorThatIsNotImmutableSendsEveryDeleteToOnePass() {
        TestDatabase own = TestDatabase.create();
        own.execute("""
                CREATE TABLE parcels (id int PRIMARY KEY);
                CREATE FUNCTION near(int, int) RETURNS boolean LANGUAGE sql VOLATILE AS 'SELECT abs($1 - $2) < random() * 10';
                CREATE OPERATOR =~= (FUNCTION = near, LEFTARG = int, RIGHTARG = int);
                """);
        try (var handle = own.runnerJdbi().open()) {
            assertEquals(Set.of(), RepeatableDeletes.find(handle, Map.of(1, "DELETE FROM parcels WHERE id =~= 5")));
        }
    }

    @Test
    void anEventTriggerSendsEveryDeleteToOnePass() {
        TestDatabase own = TestDatabase.create();
        own.execute("CREATE TABLE parcels (id int PRIMARY KEY);");
        own.jdbi().useHandle(h -> h.execute("""
                CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$"""));
        own.asSuperuser("CREATE EVENT TRIGGER after_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl();");
        try (var handle = own.runnerJdbi().open()) {
            assertEquals(Set.of(), RepeatableDeletes.find(handle, Map.of(1, "DELETE FROM parcels WHERE id = 5")));
        }
    }

    private static Set<Integer> find(String delete) {
        try (var handle = db.runnerJdbi().open()) {
            return RepeatableDeletes.find(handle, Map.of(1, delete));
        }
    }
}
