package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A table whose key is not its {@code GENERATED ALWAYS AS IDENTITY} column, with a BEFORE UPDATE trigger (so the
 * reversal of an UPDATE puts back every column, not only the assigned ones): the reversal must not try to UPDATE the
 * identity column, which PostgreSQL refuses, and so must still be able to undo the run.
 */
class ReversalOfIdentityColumnsTest {
    @Test
    void anUpdateIsRevertedOnATableWithAnAlwaysIdentityColumnBesideItsKey() throws Exception {
        TestDatabase db = TestDatabase.create();
        db.execute("""
                CREATE TABLE accounts (code text PRIMARY KEY, seq int GENERATED ALWAYS AS IDENTITY, balance int NOT NULL,
                                       touched int NOT NULL DEFAULT 0);
                CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN NEW.touched = NEW.touched + 1; RETURN NEW; END';
                CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
                INSERT INTO accounts (code, balance) VALUES ('a', 10), ('b', 20);
                """);
        Rescue rescue = new Rescue(db);
        RunResult run = rescue.commit("-- @triggers-fire accounts_touch: counts changes\n"
                + "UPDATE accounts SET balance = 0 WHERE code = 'a';\n");

        RunResult reverted = rescue.reverse(run.runId(), Mode.RUN, false);

        assertEquals(RunStatus.COMMITTED, reverted.status(), () -> String.valueOf(reverted.failure()));
        assertEquals(List.of("a 1 10", "b 2 20"), rescue.column("SELECT code || ' ' || seq || ' ' || balance FROM accounts ORDER BY code"));
    }
}
