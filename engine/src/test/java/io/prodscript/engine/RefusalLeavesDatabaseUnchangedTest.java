package io.prodscript.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Goes the whole way a caller would (read, plan, run) with scripts that must be refused, and proves the target
 * database was not touched: its data is the same and not even the ledger was created.
 */
class RefusalLeavesDatabaseUnchangedTest {
    @TempDir
    Path checkout;
    TestDatabase db;
    String before;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("CREATE TABLE t (id int PRIMARY KEY, a int); INSERT INTO t VALUES (1, 1), (2, 2);");
        before = DatabaseContents.digest(db, "public", "script_runner", "rescue");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "BEGIN;\nUPDATE t SET a = 0 WHERE id = 1;\nCOMMIT;",
        "UPDATE t SET a = 0;",
        "DELETE FROM t;",
        "VACUUM t;",
        "\\set x 1\nUPDATE t SET a = 0 WHERE id = 1;",
        "COPY t FROM STDIN;",
        "DROP SCHEMA public CASCADE;",
        "UPDATE t SET a = 0 WHERE id = 1;\nUPDATE t SET WHERE;",
        "-- @bogus\nUPDATE t SET a = 0 WHERE id = 1;",
        "UPDATE t SET a = 0 WHERE id = 1;\nCREATE INDEX CONCURRENTLY i ON t (a);",
        "-- only a comment",
        "UPDATE t SET a = 'unterminated WHERE id = 1;",
    })
    void refusedScriptsNeverReachTheDatabase(String sql) throws IOException {
        Files.writeString(checkout.resolve("script.sql"), sql);
        ScriptEngine engine = ScriptEngine.create();
        assertThrows(Refusal.class, () -> {
            var plan = engine.plan(engine.read(checkout, "script.sql"));
            engine.prepare(RunRequest.of(plan, Scripts.target(db), Scripts.credentials(), Mode.RUN, "alice"), event -> { }).run();
        });
        assertUnchanged();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../script.sql", "/etc/passwd.sql", "missing.sql", "script.txt"})
    void refusedPathsNeverReachTheDatabase(String path) {
        ScriptEngine engine = ScriptEngine.create();
        assertThrows(Refusal.class, () -> engine.read(checkout, path));
        assertUnchanged();
    }

    private void assertUnchanged() {
        assertEquals(before, DatabaseContents.digest(db, "public", "script_runner", "rescue"),
                "neither the data nor the ledger nor rescue changed");
    }
}
