package io.prodscript.engine.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import org.junit.jupiter.api.Test;

/** {@code @expect-rows} names a table the way the script does, quoted names (spaces, capitals) included. */
class QuotedTableExpectationTest {
    private static final String STATEMENTS = "UPDATE \"Order Items\" SET \"Qty\" = 9 WHERE \"Id\" = 1;\n"
            + "DELETE FROM public.\"Order Items\" WHERE \"Id\" = 2;\n";

    @Test
    void aQuotedTableNameCountsTheRowsOfThatTable() {
        TestDatabase db = TestDatabase.create();
        db.execute("CREATE TABLE \"Order Items\" (\"Id\" int PRIMARY KEY, \"Qty\" int NOT NULL);"
                + " INSERT INTO \"Order Items\" VALUES (1, 1), (2, 2), (3, 3)");

        RunResult met = Scripts.run(db, "-- @expect-rows \"Order Items\": 2\n" + STATEMENTS, Mode.REHEARSE).result();
        RunResult missed = Scripts.run(db, "-- @expect-rows public.\"Order Items\": 3\n" + STATEMENTS, Mode.REHEARSE).result();

        assertEquals(RunStatus.REHEARSED, met.status(), () -> String.valueOf(met.failure()));
        assertEquals(RunStatus.FAILED, missed.status(), () -> String.valueOf(missed.failure()));
        assertTrue(missed.failure().reason().contains("Order Items"), missed.failure().reason());
    }
}
