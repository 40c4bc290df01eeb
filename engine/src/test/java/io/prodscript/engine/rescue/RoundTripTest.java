package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.execution.StatementResult;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.TestDatabase;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Run, then reverse: every table is exactly as it was, whichever way UPDATEs are captured. */
class RoundTripTest {
    private static final String SCRIPT = """
            -- @description a data fix mixing every kind of change
            UPDATE accounts a SET status = s.new_status FROM staging s WHERE s.account_id = a.id;
            DELETE FROM memberships m USING accounts a WHERE m.account_id = a.id AND a.status = 'closed' RETURNING m.*;
            UPDATE memberships SET role = 'owner'
             WHERE (account_id, group_id) IN (SELECT account_id, min(group_id) FROM memberships GROUP BY account_id HAVING count(*) > 2);
            INSERT INTO notes (account_id, body) SELECT id, 'closed on review' FROM accounts WHERE status = 'closed';
            DELETE FROM notes WHERE account_id IN (SELECT id FROM accounts WHERE status = 'suspended');
            WITH closed AS (SELECT id FROM accounts WHERE status = 'closed')
            UPDATE accounts SET balance = 0, tags = array_append(tags, 'zeroed') WHERE id IN (SELECT id FROM closed);
            DELETE FROM accounts WHERE status = 'closed' AND id % 2 = 0;
            INSERT INTO accounts (id, email, status, balance) VALUES (100000, 'new@example.org', 'active', 1), (100001, 'two@example.org', 'active', 2);
            INSERT INTO memberships SELECT id, 99, 'guest', now() FROM accounts WHERE status = 'active' AND id % 5 = 0 ON CONFLICT DO NOTHING;
            UPDATE "Mixed Case" SET "Value" = "Value" * 2 WHERE "Key" LIKE 'k1%';
            DELETE FROM "Mixed Case" WHERE "Key" = 'k2';
            INSERT INTO "Mixed Case" VALUES ('k2', -1);
            UPDATE accounts SET email = upper(email) WHERE id % 7 = 0 RETURNING id, email; -- its output is discarded
            UPDATE accounts SET status = status || '!' WHERE id % 7 = 0 OR id % 11 = 0;
            UPDATE accounts SET status = status || '?' WHERE id % 11 = 0 AND id % 2 = 0
            """;

    @ParameterizedTest
    @EnumSource(CaptureMethod.class)
    void runThenReverseLeavesEveryTableAsItWas(CaptureMethod method) throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            TestDatabase db = TestDatabase.create();
            db.execute(schema());
            db.execute(data(new Random(seed)));
            String before = DatabaseContents.digest(db, "public");
            Rescue rescue = new Rescue(db, method);

            RunResult run = rescue.commit(SCRIPT);
            assertNotEquals(before, DatabaseContents.digest(db, "public"));
            for (RunResult.RescueCapture capture : run.rescue().captures()) {
                StatementResult statement = run.statements().get(capture.statement() - 1);
                assertEquals(statement.rows(), capture.rowsCaptured(), () -> "statement " + capture.statement() + " saved exactly its rows");
            }
            assertEquals(15, run.rescue().captures().size());
            assertEquals(13, run.rescue().captures().stream().map(RunResult.RescueCapture::rescueTable).distinct().count(),
                    "consecutive UPDATEs of one table share a rescue table");

            RunResult reversal = rescue.reverse(run.runId(), Mode.RUN, false);
            assertEquals(RunStatus.COMMITTED, reversal.status(), () -> String.valueOf(reversal.failure()));
            assertEquals(before, DatabaseContents.digest(db, "public"), "seed " + seed);
        }
    }

    private static String schema() {
        return """
                CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL UNIQUE, status text NOT NULL,
                                       balance numeric(12, 2), tags text[], profile jsonb, created date);
                CREATE TABLE memberships (account_id int NOT NULL REFERENCES accounts (id), group_id int NOT NULL,
                                          role text NOT NULL, since timestamptz, PRIMARY KEY (account_id, group_id));
                CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id int, body text,
                                    body_length int GENERATED ALWAYS AS (length(body)) STORED);
                CREATE TABLE staging (account_id int, new_status text);
                CREATE TABLE "Mixed Case" ("Key" text PRIMARY KEY, "Value" int);
                """;
    }

    /** Random but reproducible rows: statuses, join duplicates, memberships of several sizes, NULLs. */
    private static String data(Random random) {
        String[] statuses = {"active", "active", "closed", "suspended"};
        StringJoiner sql = new StringJoiner("\n");
        for (int id = 1; id <= 300; id++) {
            sql.add("INSERT INTO accounts VALUES (" + id + ", 'user" + id + "@example.org', '" + statuses[random.nextInt(statuses.length)]
                    + "', " + (random.nextBoolean() ? random.nextInt(100000) / 100.0 : "NULL") + ", ARRAY['t" + random.nextInt(5)
                    + "'], '{\"n\": " + random.nextInt(9) + "}', DATE '2024-01-01' + " + random.nextInt(365) + ");");
            for (int group = 1; group <= random.nextInt(5); group++) {
                sql.add("INSERT INTO memberships VALUES (" + id + ", " + group + ", 'member', TIMESTAMPTZ '2024-05-01 10:00Z' + interval '"
                        + random.nextInt(1000) + " minutes');");
            }
            if (random.nextInt(4) == 0) {
                sql.add("INSERT INTO notes (account_id, body) VALUES (" + id + ", 'note " + random.nextInt() + "');");
            }
            if (random.nextInt(6) == 0) {
                String status = statuses[random.nextInt(statuses.length)];
                sql.add("INSERT INTO staging VALUES (" + id + ", '" + status + "'), (" + id + ", '" + status + "');");
            }
        }
        for (int k = 0; k < 40; k++) {
            sql.add("INSERT INTO \"Mixed Case\" VALUES ('k" + k + "', " + random.nextInt(1000) + ");");
        }
        return sql.toString();
    }
}
