package io.prodscript.engine.execution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prodscript.engine.testing.TestDatabase;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/** Statements sent together run in order, each reporting its own rows, whatever comment ends the one before. */
class RunSessionTest {
    @Test
    void statementsSentTogetherReportTheirOwnRowsEvenAfterATrailingComment() throws Exception {
        TestDatabase db = TestDatabase.create();
        db.execute("CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes SELECT generate_series(1, 5);");
        try (Handle handle = db.runnerJdbi().open()) {
            handle.begin();
            RunSession session = new RunSession(handle, null);
            long[] rows = session.executeInOneMessage(List.of("DELETE FROM notes WHERE id <= 2 -- the first two",
                    "SELECT id FROM notes", "UPDATE notes SET id = id + 10 WHERE id > 4"));
            assertArrayEquals(new long[] {2, 3, 1}, rows);
            assertEquals(List.of(3, 4, 15), handle.createQuery("SELECT id FROM notes ORDER BY id").mapTo(Integer.class).list());
            handle.rollback();
        }
    }
}
