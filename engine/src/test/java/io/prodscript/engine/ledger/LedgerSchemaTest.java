package io.prodscript.engine.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The ledger's schema is created and upgraded by an explicit installation; runs and reads only check it. */
class LedgerSchemaTest {
    private static final ScriptEngine ENGINE = ScriptEngine.create();

    /** The ledger as engines created it on the fly before installation existed (schema version 0). */
    private static final String VERSION_0 = """
            CREATE SCHEMA script_runner;
            CREATE TABLE script_runner.runs (run_id text PRIMARY KEY, script_path text NOT NULL, checksum text NOT NULL,
                commit_id text, target_name text NOT NULL, requested_by text NOT NULL, mode text NOT NULL,
                status text NOT NULL, forced boolean NOT NULL DEFAULT false, started_at timestamptz NOT NULL,
                finished_at timestamptz, rows_changed bigint NOT NULL DEFAULT 0, statements jsonb, failure text,
                reverts_run_id text, backend_pid integer, backend_start timestamptz);
            CREATE INDEX runs_checksum_status ON script_runner.runs (checksum, status);
            CREATE TABLE script_runner.rescue_manifests (run_id text PRIMARY KEY REFERENCES script_runner.runs (run_id),
                manifest jsonb NOT NULL, revert_sql text);
            CREATE TABLE script_runner.rescue_tables (run_id text NOT NULL REFERENCES script_runner.runs (run_id),
                statement_number integer NOT NULL, table_name text NOT NULL, source_table text NOT NULL,
                expires_at timestamptz NOT NULL, dropped_at timestamptz, dropped_by text,
                PRIMARY KEY (run_id, statement_number));
            GRANT USAGE ON SCHEMA script_runner TO prodscript_runner;
            GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA script_runner TO prodscript_runner;
            """;

    private static String committedRun(String runId, String checksum) {
        return "INSERT INTO script_runner.runs (run_id, script_path, checksum, target_name, requested_by, mode, status,"
                + " started_at, finished_at) VALUES ('" + runId + "', 'scripts/old.sql', '" + checksum + "', 'prod', 'alice',"
                + " 'run', 'committed', now(), now());";
    }

    @Test
    void aRunOnADatabaseWithoutLedgerIsRefusedSayingWhatToRunAndCreatesNothing() {
        TestDatabase db = TestDatabase.createWithoutLedger();

        RunResult result = Scripts.run(db, "SELECT 1;", Mode.RUN).result();

        assertEquals(RunStatus.REFUSED, result.status());
        assertTrue(result.failure().reason().contains("prodscript install"), result.failure().reason());
        assertEquals(-1, installedVersion(db), "nothing was created");
        LedgerNotInstalled read = assertThrows(LedgerNotInstalled.class, () -> ENGINE.history(db.target(), db.runner(), 10));
        assertTrue(read.getMessage().contains("is not installed on test-db"), read.getMessage());
        assertEquals(-1, installedVersion(db));
    }

    @Test
    void theRunnerRoleCannotInstallAndAnOwnerCan() throws SQLException {
        TestDatabase db = TestDatabase.createWithoutLedger();
        assertThrows(SQLException.class, () -> ENGINE.install(db.target(), db.runner()), "no CREATE on the database");
        assertEquals(-1, installedVersion(db));

        SchemaInstallation installation = ENGINE.install(db.target(), db.superuser());

        assertEquals(new SchemaInstallation(-1, LedgerSchema.VERSION), installation);
        assertEquals("created ledger schema version " + LedgerSchema.VERSION, installation.describe());
        LedgerNotInstalled ungranted = assertThrows(LedgerNotInstalled.class, () -> ENGINE.history(db.target(), db.runner(), 1));
        assertTrue(ungranted.getMessage().contains("grant it what docs/how-a-run-works.md lists"), ungranted.getMessage());
        db.asSuperuser(TestDatabase.grantsFor(TestDatabase.RUNNER));
        assertEquals(LedgerSchema.VERSION, ENGINE.installedSchemaVersion(db.target(), db.runner()));
    }

    @Test
    void installingAgainChangesNothingAndKeepsWhatWasRecorded() throws SQLException {
        TestDatabase db = TestDatabase.create();
        assertEquals(RunStatus.COMMITTED, Scripts.run(db, "SELECT 1;", Mode.RUN).result().status());
        String before = DatabaseContents.digest(db, "script_runner", "rescue");

        SchemaInstallation again = ENGINE.install(db.target(), db.superuser());

        assertEquals(new SchemaInstallation(LedgerSchema.VERSION, LedgerSchema.VERSION), again);
        assertEquals(before, DatabaseContents.digest(db, "script_runner", "rescue"));
    }

    @Test
    void concurrentInstallationsDoNotCollide() throws Exception {
        TestDatabase db = TestDatabase.createWithoutLedger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<SchemaInstallation>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tasks.add(() -> ENGINE.install(db.target(), db.superuser()));
            }
            long created = 0;
            for (Future<SchemaInstallation> result : pool.invokeAll(tasks)) {
                created += result.get().previousVersion() < 0 ? 1 : 0; // rethrows the failure of any one of them
            }
            assertEquals(1, created);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1L, (long) db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM script_runner.schema_version")
                .mapTo(Long.class).one()));
    }

    @Test
    void aLedgerCreatedBeforeInstallationIsRefusedUntilUpgradedThenKeepsItsHistory() throws SQLException {
        TestDatabase db = TestDatabase.createWithoutLedger();
        db.asSuperuser(VERSION_0 + committedRun("old-run", "a".repeat(64))
                + "INSERT INTO script_runner.rescue_tables (run_id, statement_number, table_name, source_table, expires_at)"
                + " VALUES ('old-run', 1, 'r_oldrun00_s1_orders', 'public.orders', now() + interval '1 day');");

        RunResult refused = Scripts.run(db, "SELECT 1;", Mode.RUN).result();
        assertEquals(RunStatus.REFUSED, refused.status());
        assertTrue(refused.failure().reason().contains("is version 0; this engine needs version " + LedgerSchema.VERSION),
                refused.failure().reason());

        assertEquals(new SchemaInstallation(0, LedgerSchema.VERSION), ENGINE.install(db.target(), db.superuser()));
        db.asSuperuser(TestDatabase.grantsFor(TestDatabase.RUNNER));

        List<LedgerEntry> history = ENGINE.history(db.target(), db.runner(), 10);
        assertEquals(List.of("old-run"), history.stream().map(LedgerEntry::runId).toList());
        assertEquals("committed", history.get(0).status());
        assertEquals("rescue.r_oldrun00_s1_orders", db.jdbi().withHandle(h -> h.createQuery(
                "SELECT table_name FROM script_runner.rescue_tables WHERE run_id = 'old-run'").mapTo(String.class).one()),
                "an old rescue table is recorded with its schema, as this version records them");
        assertEquals(RunStatus.COMMITTED, Scripts.run(db, "SELECT 1;", Mode.RUN).result().status());
    }

    @Test
    void aVersion1LedgerIsRefusedUntilUpgradedThenItsRescueTablesAwaitNoticeBeforeCleanup() throws SQLException {
        TestDatabase db = TestDatabase.create();
        db.execute("CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL); INSERT INTO items VALUES (1, 1)");
        RunResult before = Scripts.run(db, "-- @rescue-retention 1s\nUPDATE items SET qty = 2 WHERE id = 1;", Mode.RUN).result();
        assertEquals(RunStatus.COMMITTED, before.status(), () -> String.valueOf(before.failure()));
        // The ledger as version 1 left it: no notice column, version 1 recorded.
        db.asSuperuser("ALTER TABLE script_runner.rescue_tables DROP COLUMN notice_given_at;"
                + " DELETE FROM script_runner.schema_version; INSERT INTO script_runner.schema_version (version) VALUES (1);");

        RunResult refused = Scripts.run(db, "SELECT 1;", Mode.RUN).result();
        assertEquals(RunStatus.REFUSED, refused.status());
        assertTrue(refused.failure().reason().contains("is version 1; this engine needs version 2"), refused.failure().reason());
        assertThrows(LedgerNotInstalled.class, () -> ENGINE.dropExpiredRescueTables(db.target(), db.runner(), "ops",
                java.time.Duration.ZERO), "cleanup waits for the upgrade too");

        SchemaInstallation upgrade = ENGINE.install(db.target(), db.superuser());

        assertEquals(new SchemaInstallation(1, 2), upgrade);
        assertEquals("upgraded the ledger schema from version 1 to 2", upgrade.describe());
        assertEquals(2, ENGINE.installedSchemaVersion(db.target(), db.runner()), "the runner's grants cover the new column");
        assertEquals(List.of(), ENGINE.dropExpiredRescueTables(db.target(), db.runner(), "ops", java.time.Duration.ZERO),
                "a table recorded before the upgrade was never announced, so it is not dropped");
        assertEquals(1, ENGINE.announceExpiringRescueTables(db.target(), db.runner(), java.time.Duration.ofDays(1)).size());
        assertEquals(before.runId(), ENGINE.ledgerEntry(db.target(), db.runner(), before.runId()).orElseThrow().runId(),
                "the history is kept");
    }

    @Test
    void anUpgradeOverAScriptCommittedTwiceIsRefusedNamingTheRuns() {
        TestDatabase db = TestDatabase.createWithoutLedger();
        db.asSuperuser(VERSION_0 + committedRun("first", "b".repeat(64)) + committedRun("second", "b".repeat(64)));
        String before = DatabaseContents.digest(db, "script_runner");

        SQLException e = assertThrows(SQLException.class, () -> ENGINE.install(db.target(), db.superuser()));

        assertTrue(e.getMessage().contains("first, second"), e.getMessage());
        assertEquals(before, DatabaseContents.digest(db, "script_runner"), "nothing changed");
        assertEquals(0, installedVersion(db));
    }

    @Test
    void aLedgerNewerThanTheEngineIsRefused() {
        TestDatabase db = TestDatabase.create();
        db.asSuperuser("INSERT INTO script_runner.schema_version (version) VALUES (" + (LedgerSchema.VERSION + 1) + ")");

        RunResult refused = Scripts.run(db, "SELECT 1;", Mode.RUN).result();

        assertEquals(RunStatus.REFUSED, refused.status());
        assertTrue(refused.failure().reason().contains("newer than this engine's"), refused.failure().reason());
        assertThrows(SQLException.class, () -> ENGINE.install(db.target(), db.superuser()));
    }

    @Test
    void aMissingRescueSchemaIsReportedAndRestoredByInstallingAgain() throws SQLException {
        TestDatabase db = TestDatabase.create();
        db.asSuperuser("DROP SCHEMA rescue");

        RunResult refused = Scripts.run(db, "SELECT 1;", Mode.RUN).result();
        assertEquals(RunStatus.REFUSED, refused.status());
        assertTrue(refused.failure().reason().contains("lacks its rescue schema \"rescue\""), refused.failure().reason());

        ENGINE.install(db.target(), db.superuser());
        db.asSuperuser(TestDatabase.grantsFor(TestDatabase.RUNNER));
        assertEquals(RunStatus.COMMITTED, Scripts.run(db, "SELECT 1;", Mode.RUN).result().status());
    }

    private static int installedVersion(TestDatabase db) {
        return db.jdbi().withHandle(h -> {
            try {
                return LedgerSchema.installedVersion(h);
            } catch (LedgerNotInstalled e) {
                throw new AssertionError(e);
            }
        });
    }
}
