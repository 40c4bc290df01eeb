package io.prodscript.cli.bench;

import io.prodscript.engine.plan.Plan;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** The benchmark's measurements, each from freshly rebuilt data; psql first, then the engine. */
final class Measurements {
    private final BenchDatabase database;
    private final PsqlClient psql;
    private final EngineRunner engine;

    Measurements(BenchDatabase database, PsqlClient psql, EngineRunner engine) {
        this.database = database;
        this.psql = psql;
        this.engine = engine;
    }

    /**
     * The figures of one round.
     *
     * @param manyPlanning how long the engine took to plan the many-statements script (not part of its run)
     */
    record Figures(Duration updatePsql, EngineRunner.Timed updateEngine, EngineRunner.Timed reversal,
                   Duration deletePsql, EngineRunner.Timed deleteEngine,
                   Duration manyPsql, EngineRunner.Timed manyEngine, Duration manyPlanning) {

        /** Each figure's median over the rounds (the upper median for an even count); heap figures take the largest. */
        static Figures median(List<Figures> rounds) {
            return new Figures(median(rounds, Figures::updatePsql), timed(rounds, Figures::updateEngine),
                    timed(rounds, Figures::reversal), median(rounds, Figures::deletePsql), timed(rounds, Figures::deleteEngine),
                    median(rounds, Figures::manyPsql), timed(rounds, Figures::manyEngine), median(rounds, Figures::manyPlanning));
        }

        private static Duration median(List<Figures> rounds, Function<Figures, Duration> figure) {
            List<Duration> sorted = rounds.stream().map(figure).sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        private static EngineRunner.Timed timed(List<Figures> rounds, Function<Figures, EngineRunner.Timed> figure) {
            Duration elapsed = median(rounds, figure.andThen(EngineRunner.Timed::elapsed));
            long heap = rounds.stream().map(figure).mapToLong(EngineRunner.Timed::heapPeakBytes).max().orElseThrow();
            return new EngineRunner.Timed(null, elapsed, heap);
        }
    }

    /** One round: {@code rows} changed of twice as many, and {@code statements} single-row UPDATEs. */
    Figures all(long rows, int statements) throws Exception {
        long tableRows = 2 * rows;
        String update = Workload.updateHalf();
        database.reset(tableRows);
        Duration updatePsql = psql.run(update);
        database.reset(tableRows);
        String before = database.digest();
        EngineRunner.Timed updateEngine = engine.run(engine.plan("update", update));
        EngineRunner.Timed reversal = engine.reverse(updateEngine.runId());
        if (!database.digest().equals(before)) {
            throw new IllegalStateException("the reversal did not restore the table exactly");
        }

        String delete = Workload.deleteHalf();
        database.reset(tableRows);
        Duration deletePsql = psql.run(delete);
        database.reset(tableRows);
        EngineRunner.Timed deleteEngine = engine.run(engine.plan("delete", delete));

        String many = Workload.singleRowUpdates(statements, tableRows);
        database.reset(tableRows);
        Duration manyPsql = psql.run(many);
        database.reset(tableRows);
        long planStart = System.nanoTime();
        Plan manyPlan = engine.plan("many", many);
        Duration manyPlanning = Duration.ofNanos(System.nanoTime() - planStart);
        EngineRunner.Timed manyEngine = engine.run(manyPlan);
        return new Figures(updatePsql, updateEngine, reversal, deletePsql, deleteEngine, manyPsql, manyEngine, manyPlanning);
    }

    /** The engine's peak heap while changing {@code rows} rows of a table of as many. */
    long heapFor(long rows) throws Exception {
        database.reset(rows);
        return engine.run(engine.plan("heap", Workload.updateFirst(rows))).heapPeakBytes();
    }
}
