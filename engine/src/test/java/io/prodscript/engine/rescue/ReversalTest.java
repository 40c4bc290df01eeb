package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunListener;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.ledger.LedgerEntry;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.script.ScriptReader;
import io.prodscript.engine.testing.DatabaseContents;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reversal: planned like any script, refused on conflicts unless forced, once only, and never after cleanup. */
class ReversalTest {
    private static final String FIX = """
            UPDATE accounts SET status = 'closed' WHERE id <= 3;
            DELETE FROM accounts WHERE id = 10;
            INSERT INTO accounts VALUES (100, 'closed');
            """;

    private TestDatabase db;
    private Rescue rescue;
    private String before;

    @BeforeEach
    void createData() {
        db = TestDatabase.create();
        db.execute("CREATE TABLE accounts (id int PRIMARY KEY, status text NOT NULL);"
                + " INSERT INTO accounts SELECT g, 'active' FROM generate_series(1, 10) g;");
        rescue = new Rescue(db);
        before = contents();
    }

    private String contents() {
        return DatabaseContents.digest(db, "public");
    }

    @Test
    void theReversalIsAScriptNamedAfterTheRunWithTheChecksumOfItsText() throws Exception {
        RunResult run = rescue.commit(FIX);
        var script = rescue.engine().reversalScript(Scripts.target(db), Scripts.credentials(), run.runId());
        Plan plan = rescue.reversal(run.runId());
        assertEquals("reversal-of-" + run.runId() + ".sql", plan.scriptPath());
        assertEquals(ScriptReader.sha256(script.text().getBytes(StandardCharsets.UTF_8)), plan.checksum());
        assertEquals(List.of("UTILITY", "DELETE", "INSERT", "UPDATE"), plan.statements().stream().map(s -> s.kind().name()).toList(),
                "statements are undone in reverse order");
        assertEquals("SET LOCAL enable_hashjoin = off", plan.statements().get(0).sql());
        assertTrue(plan.directives().rescueNone().contains(run.runId()));
    }

    @Test
    void rehearsingTheRunShowsWhatItWouldSaveAndLeavesNothingBehind() {
        RunResult rehearsal = rescue.run(FIX, Mode.REHEARSE);
        assertEquals(RunStatus.REHEARSED, rehearsal.status(), () -> String.valueOf(rehearsal.failure()));
        assertEquals(List.of(3L, 1L, 1L), rehearsal.rescue().captures().stream().map(RunResult.RescueCapture::rowsCaptured).toList());
        assertTrue(rehearsal.rescue().captures().get(0).rescueTable().matches("rescue\\.r_[0-9a-f]{8}_s1_accounts"));
        assertTrue(io.prodscript.engine.report.Json.pretty(rehearsal).contains("\"rescueTable\""));
        assertEquals(before, contents());
        assertEquals("0", rescue.single("SELECT count(*) FROM pg_tables WHERE schemaname = 'rescue'"));
        assertEquals("0", rescue.single("SELECT count(*) FROM script_runner.rescue_manifests"));
    }

    @Test
    void rehearsingTheReversalChangesNothingAndTheRunStaysReversible() throws Exception {
        RunResult run = rescue.commit(FIX);
        String after = contents();
        RunResult rehearsal = rescue.reverse(run.runId(), Mode.REHEARSE, false);
        assertEquals(RunStatus.REHEARSED, rehearsal.status(), () -> String.valueOf(rehearsal.failure()));
        assertEquals(5, rehearsal.rowsChanged());
        assertEquals(after, contents());
        assertEquals(RunStatus.COMMITTED, rescue.reverse(run.runId(), Mode.RUN, false).status());
        assertEquals(before, contents());
    }

    @Test
    void aReversalIsRecordedAndASecondOneIsRefused() throws Exception {
        RunResult run = rescue.commit(FIX);
        Plan plan = rescue.reversal(run.runId());
        RunResult reversal = rescue.reverse(run.runId(), Mode.RUN, false);
        assertEquals(RunStatus.COMMITTED, reversal.status(), () -> String.valueOf(reversal.failure()));

        List<LedgerEntry> history = rescue.engine().history(Scripts.target(db), Scripts.credentials(), 10);
        assertEquals(run.runId(), history.get(0).revertsRunId());
        assertEquals("reverted", history.get(1).status());

        Refusal refusal = assertThrows(Refusal.class, () -> rescue.reversal(run.runId()));
        assertTrue(refusal.getMessage().contains("already reverted by run " + reversal.runId()), refusal::getMessage);
        RunResult again = rescue.engine().prepare(RunRequest.of(plan, Scripts.target(db), Scripts.credentials(), Mode.RUN, "bob")
                .withRevertsRunId(run.runId()).withForce(true), e -> { }).run();
        assertEquals(RunStatus.REFUSED, again.status());
        assertEquals(before, contents());
    }

    @Test
    void aReversalMustBeRunAsOne() throws Exception {
        RunResult run = rescue.commit(FIX);
        RunResult unguarded = rescue.engine().prepare(RunRequest.of(rescue.reversal(run.runId()), Scripts.target(db),
                Scripts.credentials(), Mode.RUN, "bob"), e -> { }).run();
        assertEquals(RunStatus.REFUSED, unguarded.status());
        assertTrue(unguarded.failure().reason().contains("withRevertsRunId"), unguarded.failure().reason());
    }

    @Test
    void rowsChangedAfterTheRunRefuseTheReversalUnlessForced() throws Exception {
        RunResult run = rescue.commit(FIX);
        db.execute("UPDATE accounts SET status = 'reopened' WHERE id = 2;"   // updated by the run, changed again
                + " INSERT INTO accounts VALUES (10, 'recreated');"           // deleted by the run, created again
                + " DELETE FROM accounts WHERE id = 100;");                   // inserted by the run, deleted since
        String changed = contents();

        RunResult refused = rescue.reverse(run.runId(), Mode.RUN, false);
        assertEquals(RunStatus.REFUSED, refused.status());
        assertTrue(refused.failure().reason().startsWith("3 row(s) of public.accounts changed after run " + run.runId()),
                refused.failure().reason());
        assertEquals(changed, contents());

        RunResult forced = rescue.reverse(run.runId(), Mode.RUN, true);
        assertEquals(RunStatus.COMMITTED, forced.status(), () -> String.valueOf(forced.failure()));
        assertEquals(before, contents(), "a forced reversal overwrites the later changes");
    }

    @Test
    void consecutiveStatementsShareARescueTableAndTheOldestValuesComeBack() throws Exception {
        String bump = "UPDATE accounts SET status = status || '+' WHERE id IN (1, 2);\n";
        RunResult run = rescue.commit(bump + bump + "UPDATE accounts SET status = 'x' WHERE id = 2;\n" + bump);
        assertEquals(List.of(1, 2, 3, 4), run.rescue().captures().stream().map(RunResult.RescueCapture::statement).toList());
        assertEquals(1, run.rescue().captures().stream().map(RunResult.RescueCapture::rescueTable).distinct().count());
        assertTrue(run.rescue().captures().get(0).rescueTable().contains("_s1_"));
        assertEquals("1", rescue.single("SELECT count(*) FROM script_runner.rescue_tables WHERE run_id = '" + run.runId() + "'"));
        assertEquals(RunStatus.COMMITTED, rescue.reverse(run.runId(), Mode.RUN, false).status());
        assertEquals(before, contents());
    }

    /**
     * Values swapped through a temporary one under a unique constraint PostgreSQL checks row by row come back one
     * statement at a time, last first; under a DEFERRABLE one (checked when the statement ends), or when the unique
     * column is not among those put back, one UPDATE still does it.
     */
    @Test
    void swappedUniqueValuesComeBackStatementByStatementOnlyWhereTheCheckIsRowByRow() throws Exception {
        db.execute("CREATE TABLE products (id int PRIMARY KEY, code text NOT NULL UNIQUE, label text NOT NULL UNIQUE,"
                + " shelf text NOT NULL, CONSTRAINT shelf_once UNIQUE (shelf) DEFERRABLE);"
                + " INSERT INTO products VALUES (1, 'A', 'one', 'S1'), (2, 'B', 'two', 'S2');");
        String start = contents();
        String swap = "UPDATE products SET %1$s = 'tmp' WHERE id = 1;\nUPDATE products SET %1$s = '%2$s' WHERE id = 2;\n"
                + "UPDATE products SET %1$s = '%3$s' WHERE id = 1;\n";
        RunResult codes = rescue.commit(swap.formatted("code", "A", "B"));
        Plan undoCodes = rescue.reversal(codes.runId());
        assertEquals(List.of("UTILITY", "UPDATE", "UPDATE", "UPDATE"), undoCodes.statements().stream().map(s -> s.kind().name()).toList());
        assertTrue(undoCodes.statements().get(1).sql().contains("= 3)"), undoCodes.statements().get(1).sql());
        assertEquals(RunStatus.COMMITTED, rescue.reverse(codes.runId(), Mode.RUN, false).status());
        assertEquals(start, contents());

        RunResult shelves = rescue.commit(swap.formatted("shelf", "S1", "S2"));
        assertEquals(2, rescue.reversal(shelves.runId()).statements().size(), "a deferrable check waits for the statement's end");
        assertEquals(RunStatus.COMMITTED, rescue.reverse(shelves.runId(), Mode.RUN, false).status());
        assertEquals(start, contents());
    }

    @Test
    void aUniqueIndexOfOnePartitionAlsoPutsASwapBackStatementByStatement() throws Exception {
        db.execute("CREATE TABLE tags (region text NOT NULL, id int NOT NULL, code text NOT NULL, PRIMARY KEY (region, id))"
                + " PARTITION BY LIST (region); CREATE TABLE tags_eu PARTITION OF tags FOR VALUES IN ('eu');"
                + " CREATE UNIQUE INDEX tags_eu_code ON tags_eu (code); INSERT INTO tags VALUES ('eu', 1, 'A'), ('eu', 2, 'B');");
        String start = contents();
        RunResult run = rescue.commit("UPDATE tags SET code = 'tmp' WHERE region = 'eu' AND id = 1;\n"
                + "UPDATE tags SET code = 'A' WHERE region = 'eu' AND id = 2;\nUPDATE tags SET code = 'B' WHERE region = 'eu' AND id = 1;\n");
        RunResult undone = rescue.reverse(run.runId(), Mode.RUN, false);
        assertEquals(RunStatus.COMMITTED, undone.status(), () -> String.valueOf(undone.failure()));
        assertEquals(start, contents());
    }

    @Test
    void aScriptsOwnRevertSectionIsItsReversal() throws Exception {
        RunResult run = rescue.commit("UPDATE accounts SET status = 'x' WHERE id = 1;\n-- @revert\nUPDATE accounts SET status = 'active' WHERE id = 1;\n");
        assertEquals("script", run.rescue().reversal());
        Plan plan = rescue.reversal(run.runId());
        assertEquals(List.of("UPDATE accounts SET status = 'active' WHERE id = 1"), plan.statements().stream().map(s -> s.sql()).toList());
        assertEquals(RunStatus.COMMITTED, rescue.reverse(run.runId(), Mode.RUN, false).status());
        assertEquals(before, contents());
    }

    @Test
    void cleanupListsThenDropsExpiredTablesAndTheRunCanNoLongerBeReversed() throws Exception {
        RunResult shortLived = rescue.commit("-- @rescue-retention 1s\nUPDATE accounts SET status = 'x' WHERE id = 1;");
        RunResult kept = rescue.commit("DELETE FROM accounts WHERE id = 2;");
        var target = Scripts.target(db);
        var credentials = Scripts.credentials();

        List<RescueTable> expiringSoon = rescue.engine().announceExpiringRescueTables(target, credentials, Duration.ofDays(1));
        assertEquals(List.of(shortLived.runId()), expiringSoon.stream().map(RescueTable::runId).toList());
        assertEquals(2, rescue.engine().rescueTablesExpiring(target, credentials, Duration.ofDays(8)).size());

        Thread.sleep(1100);
        // The notice was given a moment ago; cleanup that demands none drops the expired table at once.
        List<RescueTable> dropped = rescue.engine().dropExpiredRescueTables(target, credentials, "carol", Duration.ZERO);
        assertEquals(List.of(expiringSoon.get(0).name()), dropped.stream().map(RescueTable::name).toList());
        assertEquals("false", rescue.single("SELECT (to_regclass('" + dropped.get(0).name() + "') IS NOT NULL)::text"));
        assertEquals("carol", rescue.single("SELECT dropped_by FROM script_runner.rescue_tables WHERE run_id = '" + shortLived.runId() + "'"));
        assertTrue(rescue.engine().dropExpiredRescueTables(target, credentials, "carol", Duration.ZERO).isEmpty());

        Refusal refusal = assertThrows(Refusal.class, () -> rescue.reversal(shortLived.runId()));
        assertTrue(refusal.getMessage().contains("can no longer be reversed") && refusal.getMessage().contains("dropped"), refusal::getMessage);
        assertNotEquals(before, contents());
        assertEquals(RunStatus.COMMITTED, rescue.reverse(kept.runId(), Mode.RUN, false).status());
    }

    @Test
    void runsThatCannotBeReversedSayWhy() {
        RunResult failed = rescue.run("UPDATE accounts SET status = NULL WHERE id = 1;", Mode.RUN);
        assertEquals(RunStatus.FAILED, failed.status());
        assertTrue(assertThrows(Refusal.class, () -> rescue.reversal(failed.runId())).getMessage().contains("ended failed"));
        assertTrue(assertThrows(Refusal.class, () -> rescue.reversal("no-such-run")).getMessage().contains("not in the ledger"));
        RunResult plain = ScriptEngine.create().withoutRescue()
                .prepare(Scripts.request(db, "UPDATE accounts SET status = 'x' WHERE id = 1;", Mode.RUN), RunListener.NONE).run();
        assertTrue(assertThrows(Refusal.class, () -> rescue.reversal(plain.runId())).getMessage().contains("no rescue manifest"));
        assertFalse(plain.toString().contains("rescueTable"));
    }
}
