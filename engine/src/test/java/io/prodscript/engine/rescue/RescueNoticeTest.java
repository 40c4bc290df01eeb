package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.DatabaseTarget;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cleanup drops a rescue table only after its expiry was announced, and only once that notice is as old as the
 * cleanup demands: a table that expired while nobody announced it (cleanup not running, a retention shorter than the
 * notice) gets its full notice first. Everything runs as the runner login, as the Jenkins retention does.
 */
class RescueNoticeTest {
    private static final Duration DAY = Duration.ofDays(1);

    private TestDatabase db;
    private Rescue rescue;
    private ScriptEngine engine;
    private DatabaseTarget target;
    private Credentials runner;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("CREATE TABLE accounts (id int PRIMARY KEY, status text NOT NULL);"
                + " INSERT INTO accounts SELECT g, 'active' FROM generate_series(1, 3) g;");
        rescue = new Rescue(db);
        engine = rescue.engine();
        target = Scripts.target(db);
        runner = Scripts.credentials();
    }

    private boolean exists(String table) {
        return Boolean.parseBoolean(rescue.single("SELECT (to_regclass('" + table + "') IS NOT NULL)::text"));
    }

    /** Moves a run's notice back in time, as if it had been given that long ago. */
    private void noticeGivenAgo(String runId, Duration ago) {
        db.asSuperuser("UPDATE script_runner.rescue_tables SET notice_given_at = now() - interval '" + ago.toSeconds()
                + " seconds' WHERE run_id = '" + runId + "'");
    }

    @Test
    void anExpiredTableIsDroppedOnlyADayAfterItsNotice() throws Exception {
        RunResult run = rescue.commit("-- @rescue-retention 1s\nUPDATE accounts SET status = 'x' WHERE id = 1;");
        String table = run.rescue().captures().get(0).rescueTable();
        Thread.sleep(1100);

        assertEquals(List.of(), engine.dropExpiredRescueTables(target, runner, "ops", DAY), "expired, never announced");
        assertEquals(List.of(), engine.dropExpiredRescueTables(target, runner, "ops", Duration.ZERO),
                "not even a cleanup that demands no notice drops an unannounced table");
        assertTrue(exists(table));

        Instant before = Instant.now();
        List<RescueTable> announced = engine.announceExpiringRescueTables(target, runner, DAY);
        assertEquals(List.of(table), announced.stream().map(RescueTable::name).toList());
        Instant notice = announced.get(0).noticeGivenAt();
        assertNotNull(notice);
        assertTrue(!notice.isBefore(before.minusSeconds(5)), notice + " is the time of the announcement");
        assertEquals(notice.plus(DAY), announced.get(0).droppableFrom(DAY), "a day after the notice, not at expiry");

        assertEquals(List.of(), engine.dropExpiredRescueTables(target, runner, "ops", DAY), "the notice is fresh");
        assertTrue(exists(table));

        noticeGivenAgo(run.runId(), DAY.plusMinutes(1));
        List<RescueTable> dropped = engine.dropExpiredRescueTables(target, runner, "ops", DAY);
        assertEquals(List.of(table), dropped.stream().map(RescueTable::name).toList());
        assertTrue(!exists(table));
        assertEquals("ops", rescue.single("SELECT dropped_by FROM script_runner.rescue_tables WHERE run_id = '"
                + run.runId() + "'"), "recorded in the ledger");
    }

    @Test
    void aTableNoticedLongAgoStaysUntilItExpires() throws Exception {
        RunResult run = rescue.commit("-- @rescue-retention 2h\nUPDATE accounts SET status = 'x' WHERE id = 1;");
        engine.announceExpiringRescueTables(target, runner, DAY);
        noticeGivenAgo(run.runId(), Duration.ofDays(3));

        assertEquals(List.of(), engine.dropExpiredRescueTables(target, runner, "ops", DAY));
        assertTrue(exists(run.rescue().captures().get(0).rescueTable()));
    }

    @Test
    void theFirstNoticeStandsAndOnlyTablesExpiringWithinTheWindowAreAnnounced() throws Exception {
        RunResult soon = rescue.commit("-- @rescue-retention 2h\nUPDATE accounts SET status = 'x' WHERE id = 1;");
        RunResult later = rescue.commit("UPDATE accounts SET status = 'y' WHERE id = 2;");
        Instant first = engine.announceExpiringRescueTables(target, runner, DAY).get(0).noticeGivenAt();

        List<RescueTable> again = engine.announceExpiringRescueTables(target, runner, DAY);

        assertEquals(List.of(soon.runId()), again.stream().map(RescueTable::runId).toList());
        assertEquals(first, again.get(0).noticeGivenAt(), "announcing again does not restart the notice");
        List<RescueTable> all = engine.rescueTablesExpiring(target, runner, Duration.ofDays(30));
        RescueTable unannounced = all.stream().filter(t -> t.runId().equals(later.runId())).findFirst().orElseThrow();
        assertNull(unannounced.noticeGivenAt(), "a table expiring in a week has no notice yet");
        assertNull(unannounced.droppableFrom(DAY));
    }

    @Test
    void aNegativeNoticeIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> engine.dropExpiredRescueTables(target, runner, "ops", Duration.ofHours(-1)));
    }
}
