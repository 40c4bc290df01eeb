package io.prodscript.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures what rescue costs, on one embedded PostgreSQL: the same scripts run by the machine's psql (no capture)
 * and by the engine with rescue, each from freshly rebuilt data, after one warm-up round at a tenth of the size;
 * each figure is the median of several rounds, because a two-core machine's disk makes single timings vary widely.
 * It prints figures; it is not a test and asserts nothing except that every run commits and the reversal restores
 * the table exactly.
 */
@Command(name = "benchmark", description = {
    "Times UPDATE and DELETE of --rows rows (of twice as many), --statements single-row UPDATEs, and the reversal of "
            + "the UPDATE run: psql against the engine with rescue, on an embedded PostgreSQL started for the purpose.",
    "Also reports the JVM's peak used heap for --rows and --heap-rows changed rows, and the planning figures: lint of "
            + "--statements statements in a new JVM (cold) and in this one (warm), lint of one statement and rehearse of "
            + "a one-row script, each a whole command in a new JVM. The full size takes minutes; --planning-only takes "
            + "seconds and needs no psql."})
public final class BenchmarkCommand implements Callable<Integer> {
    @Option(names = "--rows", defaultValue = "1000000", paramLabel = "N",
            description = "Rows the large UPDATE and DELETE change; the table has twice as many (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--statements", defaultValue = "10000", paramLabel = "N",
            description = "Single-row UPDATE statements in the many-statements script (default: ${DEFAULT-VALUE}).")
    int statements;

    @Option(names = "--heap-rows", paramLabel = "N", description = "Rows changed for the second heap figure (default: 10 × --rows).")
    Long heapRows;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N",
            description = "Rounds of measurements; each figure is the median of its rounds (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--psql", defaultValue = "/usr/bin/psql", paramLabel = "PATH",
            description = "The psql client to compare with (default: ${DEFAULT-VALUE}).")
    Path psql;

    @Option(names = "--planning-only", description = "Measure only the planning figures (lint and one-row rehearse).")
    boolean planningOnly;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("prodscript-benchmark");
        try (BenchDatabase database = BenchDatabase.start()) {
            Measurements measurements = new Measurements(database, new PsqlClient(psql, database.port(), work), new EngineRunner(database));
            out.printf("PostgreSQL %s (embedded), %d processors, JVM max heap %s%n", database.serverVersion(),
                    Runtime.getRuntime().availableProcessors(), megabytes(Runtime.getRuntime().maxMemory()));
            out.printf("Planning figures, %d round(s) …%n", repeat);
            out.flush();
            PlanningBenchmark.Figures planning = new PlanningBenchmark(work, database).measure(statements, repeat);
            if (planningOnly) {
                print(out, planning);
                return 0;
            }
            out.println("Warming up at a tenth of the size …");
            out.flush();
            measurements.all(Math.max(1, rows / 10), Math.max(1, statements / 10));
            List<Measurements.Figures> rounds = new ArrayList<>();
            for (int round = 1; round <= repeat; round++) {
                out.printf("Round %d of %d: %,d rows changed of %,d; %,d single-row statements …%n", round, repeat, rows,
                        2 * rows, statements);
                out.flush();
                rounds.add(measurements.all(rows, statements));
            }
            Measurements.Figures figures = Measurements.Figures.median(rounds);
            long large = heapRows != null ? heapRows : 10 * rows;
            out.printf("Measuring the heap for %,d changed rows …%n", large);
            out.flush();
            long largeHeap = measurements.heapFor(large);
            print(out, figures, large, largeHeap);
            print(out, planning);
        } finally {
            Files.deleteIfExists(work);
        }
        return 0;
    }

    private void print(PrintWriter out, Measurements.Figures f, long large, long largeHeap) {
        out.println();
        out.printf("Medians of %d round(s):%n", repeat);
        out.printf("%-44s %10s %10s %8s %8s%n", "", "psql", "engine", "ratio", "target");
        row(out, String.format("UPDATE of %,d rows", rows), f.updatePsql(), f.updateEngine().elapsed(), 1.5);
        row(out, String.format("DELETE of %,d rows", rows), f.deletePsql(), f.deleteEngine().elapsed(), 1.3);
        row(out, String.format("%,d single-row UPDATEs", statements), f.manyPsql(), f.manyEngine().elapsed(), 1.5);
        out.printf("%-44s %10s %10s %8.2f %8s%n", "reversal of the UPDATE run (vs forward run)",
                seconds(f.updateEngine().elapsed()), seconds(f.reversal().elapsed()),
                ratio(f.reversal().elapsed(), f.updateEngine().elapsed()), "<= 1.5");
        out.printf("(planning the %,d-statement script took %s before its run; planning is not part of a run)%n",
                statements, seconds(f.manyPlanning()));
        out.println();
        out.printf("JVM heap, peak used above the level before the run: %,d rows changed: %s; %,d rows changed: %s%n",
                rows, megabytes(f.updateEngine().heapPeakBytes()), large, megabytes(largeHeap));
        out.flush();
    }

    private void print(PrintWriter out, PlanningBenchmark.Figures f) {
        out.println();
        out.printf("Planning, wall time of the whole command (medians of %d round(s)):%n", repeat);
        out.printf("%-44s %10s %10s %8s%n", "", "measured", "goal", "");
        goal(out, String.format("lint of %,d statements, new JVM", f.statements()), f.lintManyCold(),
                PlanningBenchmark.LINT_MANY_COLD_GOAL);
        goal(out, String.format("lint of %,d statements, warm JVM", f.statements()), f.lintManyWarm(),
                PlanningBenchmark.LINT_MANY_WARM_GOAL);
        goal(out, "lint of one statement, new JVM", f.lintOne(), PlanningBenchmark.LINT_ONE_GOAL);
        goal(out, "rehearse of a one-row UPDATE, new JVM", f.rehearseOne(), PlanningBenchmark.REHEARSE_ONE_GOAL);
        out.flush();
    }

    private static void goal(PrintWriter out, String what, Duration measured, Duration goal) {
        out.printf(Locale.ROOT, "%-44s %10s %10s %8s%n", what, seconds(measured), "<= " + seconds(goal),
                measured.compareTo(goal) <= 0 ? "met" : "MISSED");
    }

    private static void row(PrintWriter out, String what, Duration psqlTime, Duration engineTime, double target) {
        out.printf(Locale.ROOT, "%-44s %10s %10s %8.2f %8s%n", what, seconds(psqlTime), seconds(engineTime),
                ratio(engineTime, psqlTime), "<= " + target);
    }

    private static double ratio(Duration a, Duration b) {
        return (double) a.toNanos() / b.toNanos();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0);
    }
}
