package io.prodscript.engine.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.report.Json;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Errors keep their SQLSTATE, statement, line and the objects they name, and never a row value: marker values in the
 * data must not reach the result, the events, the ledger or any message.
 */
class RowValuesStayInTheDatabaseTest {
    private static final String SSN = "123-45-6789";
    private static final String NOTE = "MARKER-diagnosis-7f3a";

    private TestDatabase db;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("CREATE TABLE people (id int PRIMARY KEY, ssn text NOT NULL UNIQUE CONSTRAINT ssn_format CHECK (length(ssn) = 11),"
                + " note text, seen bytea);"
                + " INSERT INTO people VALUES (1, '" + SSN + "', '" + NOTE + "', convert_to('" + NOTE + "', 'UTF8')), (2, '987-65-4321', 'x', NULL);");
        db.jdbi().useHandle(h -> h.execute("CREATE FUNCTION refuse_note() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$ BEGIN RAISE EXCEPTION 'note % of % is frozen', OLD.note, OLD.ssn; END $$"));
        db.execute("CREATE TRIGGER people_frozen BEFORE DELETE ON people FOR EACH ROW EXECUTE FUNCTION refuse_note();");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT ssn::int FROM people|22P02|invalid input syntax for type integer: (value withheld)",
        "SELECT note::date FROM people|22007|invalid input syntax for type date: (value withheld)",
        "UPDATE people SET ssn = (SELECT ssn FROM people WHERE id = 1) WHERE id = 2|23505|constraint people_ssn_key",
        "UPDATE people SET ssn = concat(ssn, 'x') WHERE id = 1|23514|violates check constraint \"ssn_format\"",
        "UPDATE people SET ssn = NULL WHERE id = 1|23502|table people, column ssn",
        "DELETE FROM people WHERE id = 1|P0001|a function raised an error (refuse_note)",
        "SELECT convert_from(seen, 'SQL_ASCII')::int FROM people|22P02|(value withheld)",
    })
    void aFailingStatementNamesItsObjectsButNoRowValue(String statement, String state, String kept) {
        List<RunEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunResult result = io.prodscript.engine.ScriptEngine.create().withoutRescue().prepare(Scripts.request(db,
                "-- @triggers-fire people_frozen: refuses deletes\n-- @rescue none: testing messages\n-- @allow-full-table\n" + statement + ";\n", Mode.RUN),
                events::add).run();
        assertEquals(RunStatus.FAILED, result.status());
        assertEquals(1, result.failure().statement());
        assertEquals(4, result.failure().line());
        String reason = result.failure().reason();
        assertTrue(reason.contains("SQLSTATE " + state), reason);
        assertTrue(reason.contains(kept), reason);
        assertNoRowValue(result, events);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT ssn::int = 1 FROM people WHERE id = 1|22P02",
    })
    void aFailingCheckNamesNoRowValue(String check, String state) {
        List<RunEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunResult result = io.prodscript.engine.ScriptEngine.create().prepare(Scripts.request(db,
                "-- @assert " + check + "\nSELECT 1;\n", Mode.REHEARSE), events::add).run();
        assertEquals(RunStatus.FAILED, result.status());
        assertTrue(result.checks().get(0).actual().contains("SQLSTATE " + state), result.checks().get(0).actual());
        assertNoRowValue(result, events);
    }

    private void assertNoRowValue(RunResult result, List<RunEvent> events) {
        List<String> left = List.of(Json.pretty(result), events.toString(), events.stream().map(Json::line).toList().toString(),
                String.valueOf(result.failure()), db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT coalesce(string_agg(coalesce(failure, '') || coalesce(statements::text, ''), ' '), '') FROM script_runner.runs")
                        .mapTo(String.class).one()));
        for (String text : left) {
            assertFalse(text.contains(SSN) || text.contains(NOTE) || text.contains("7f3a") || text.contains("0x4d"), text);
        }
    }
}
