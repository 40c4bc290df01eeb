package io.prodscript.cli.bench;

import io.prodscript.engine.plan.Plan;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's measurements. Every timed run starts from freshly rebuilt data; the variants of a workload run in
 * an order that rotates from round to round, so none always meets the disk right after a rebuild's checkpoint or
 * right after another variant. Checks (digests, saved rows against changed rows) happen after the timed runs.
 */
final class Measurements {
    /** The ways a workload is run. */
    enum Variant {
        PSQL("psql"), PRIOR_BACKUP("prior backup"), CAPTURE_SQL("capture SQL"), ENGINE("engine");

        final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    private final BenchDatabase database;
    private final PsqlClient psql;
    private final EngineRunner engine;
    /** The table's digest right after a rebuild, by row count: taken once, outside every timed run. */
    private final Map<Long, String> rebuiltDigests = new HashMap<>();

    Measurements(BenchDatabase database, PsqlClient psql, EngineRunner engine) {
        this.database = database;
        this.psql = psql;
        this.engine = engine;
    }

    /**
     * One workload's figures in one round.
     *
     * @param times    each variant's wall time; the engine's is its run alone (planning happens before)
     * @param planning how long the engine took to plan the script
     * @param heap     the engine's peak heap during its run, above the level before it
     * @param reversal the engine's reversal of its run, when measured
     */
    record Figures(Map<Variant, Duration> times, Duration planning, long heap, Duration reversal) {
        Duration time(Variant variant) {
            return times.get(variant);
        }

        /** Each time's median over the rounds (the upper median for an even count); the heap takes the largest. */
        static Figures median(List<Figures> rounds) {
            Map<Variant, Duration> times = new EnumMap<>(Variant.class);
            for (Variant variant : Variant.values()) {
                times.put(variant, middle(rounds.stream().map(f -> f.time(variant)).toList()));
            }
            Duration reversal = rounds.get(0).reversal() == null ? null : middle(rounds.stream().map(Figures::reversal).toList());
            return new Figures(times, middle(rounds.stream().map(Figures::planning).toList()),
                    rounds.stream().mapToLong(Figures::heap).max().orElseThrow(), reversal);
        }

        private static Duration middle(List<Duration> figures) {
            List<Duration> sorted = figures.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }
    }

    /**
     * One round of the three workloads, {@code rows} changed of twice as many and {@code statements} single-row
     * UPDATEs, with the variants in the order {@code round} gives them.
     */
    List<Figures> round(long rows, int statements, int round) throws Exception {
        long tableRows = 2 * rows;
        return List.of(
                measure(Workload.updateHalf(), tableRows, round, true, (t, digest) -> { }),
                measure(Workload.deleteHalf(), tableRows, round + 1, false, (t, digest) -> checkDelete(t, rows, tableRows)),
                measure(Workload.singleRowUpdates(statements, tableRows), tableRows, round + 2, false,
                        (t, digest) -> checkSingleRowUpdates(t, statements)));
    }

    /** Checks the data after the engine's run, untimed. */
    private interface Check {
        void after(EngineRunner.Timed run, String rebuiltDigest) throws SQLException;
    }

    private Figures measure(Workload workload, long tableRows, int rotation, boolean reverse, Check check) throws Exception {
        String rebuilt = rebuiltDigest(tableRows);
        long planStart = System.nanoTime();
        Plan plan = engine.plan(workload.name().replaceAll("\\W+", "-"), workload.script());
        Duration planning = Duration.ofNanos(System.nanoTime() - planStart);
        Map<Variant, Duration> times = new EnumMap<>(Variant.class);
        Variant[] variants = Variant.values();
        EngineRunner.Timed run = null;
        Duration reversal = null;
        for (int i = 0; i < variants.length; i++) {
            Variant variant = variants[(i + rotation) % variants.length];
            database.reset(tableRows);
            switch (variant) {
                case PSQL -> times.put(variant, psql.run(workload.script()));
                case PRIOR_BACKUP -> times.put(variant, psql.run(workload.priorBackup()));
                case CAPTURE_SQL -> times.put(variant, psql.run(workload.captureSql()));
                case ENGINE -> {
                    run = engine.run(plan);
                    times.put(variant, run.elapsed());
                    check.after(run, rebuilt);
                    if (reverse) {
                        reversal = engine.reverse(run.runId()).elapsed();
                        if (!database.digest().equals(rebuilt)) {
                            throw new IllegalStateException("the reversal did not restore the table exactly");
                        }
                    }
                }
            }
        }
        return new Figures(times, planning, run.heapPeakBytes(), reversal);
    }

    private String rebuiltDigest(long tableRows) throws SQLException {
        String digest = rebuiltDigests.get(tableRows);
        if (digest == null) {
            database.reset(tableRows);
            digest = database.digest();
            rebuiltDigests.put(tableRows, digest);
        }
        return digest;
    }

    /** The rows saved are the rows deleted: as many, distinct, none still in the table, each as it was. */
    private void checkDelete(EngineRunner.Timed run, long rows, long tableRows) throws SQLException {
        String saved = run.rescueTable();
        String found = database.single("SELECT count(*) || ' ' || count(DISTINCT id) || ' '"
                + " || count(*) FILTER (WHERE grp <> 0 OR v <> id OR note <> md5(id::text)"
                + " OR EXISTS (SELECT 1 FROM bench b WHERE b.id = s.id)) || ' ' || (SELECT count(*) FROM bench) FROM " + saved + " s");
        String expected = rows + " " + rows + " 0 " + (tableRows - rows);
        if (!found.equals(expected)) {
            throw new IllegalStateException("the DELETE's rescue table does not hold exactly the rows deleted:"
                    + " saved, distinct, wrong, left " + found + ", expected " + expected);
        }
    }

    /**
     * The rows saved are the rows changed: the changed rows are those whose value left its initial {@code v = id},
     * each saved once with its initial value by the statement that changed it.
     */
    private void checkSingleRowUpdates(EngineRunner.Timed run, int statements) throws SQLException {
        String saved = run.rescueTable();
        String found = database.single("SELECT (SELECT count(*) FROM bench WHERE v <> id) || ' ' || count(*) || ' ' || count(DISTINCT id)"
                + " || ' ' || count(*) FILTER (WHERE v <> id OR NOT EXISTS (SELECT 1 FROM bench b WHERE b.id = s.id AND b.v = s.v + 1))"
                + " || ' ' || count(DISTINCT prodscript_statement) FROM " + saved + " s");
        String expected = statements + " " + statements + " " + statements + " 0 " + statements;
        if (!found.equals(expected)) {
            throw new IllegalStateException("the single-row UPDATEs' rescue table does not hold exactly the rows changed:"
                    + " changed, saved, distinct, wrong, statements " + found + ", expected " + expected);
        }
    }

    /** The engine's peak heap while changing {@code rows} rows of a table of as many. */
    long heapFor(long rows) throws Exception {
        database.reset(rows);
        return engine.run(engine.plan("heap", Workload.updateFirst(rows))).heapPeakBytes();
    }

    /** Figures of several rounds, workload by workload. */
    static List<Figures> medians(List<List<Figures>> rounds) {
        List<Figures> medians = new ArrayList<>();
        for (int w = 0; w < rounds.get(0).size(); w++) {
            int workload = w;
            medians.add(Figures.median(rounds.stream().map(r -> r.get(workload)).toList()));
        }
        return medians;
    }
}
