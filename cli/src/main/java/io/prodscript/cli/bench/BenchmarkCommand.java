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
 * Measures what rescue costs, on one embedded PostgreSQL: each script run by the machine's psql (nothing saved), by
 * psql after a prior backup of the rows it will change (what teams do by hand), by psql sending the engine's own
 * capture SQL, and by the engine with rescue; each from freshly rebuilt data, in an order that rotates every round,
 * after one warm-up round (a tenth of the rows; the many-statement script at full size, so that the engine's code is
 * compiled as in an agent's long-running JVM — the cold start is measured apart, under Planning). Each figure is the median of several rounds, because a two-core
 * machine's disk makes single timings vary widely. It prints figures and the server settings they were taken with;
 * it is not a test and asserts nothing except that every run commits, that the rows saved are the rows changed, and
 * that the reversal restores the table exactly.
 */
@Command(name = "benchmark", description = {
    "Times UPDATE and DELETE of --rows rows (of twice as many), --statements single-row UPDATEs, and the reversal of "
            + "the UPDATE run: psql against the engine with rescue, on an embedded PostgreSQL started for the purpose.",
    "Also reports the JVM's peak used heap for --rows and --heap-rows changed rows, and the planning figures: lint of "
            + "--statements statements in a new JVM (cold) and in this one (warm), lint of one statement and rehearse of "
            + "a one-row script, each a whole command in a new JVM. The full size takes many minutes; --planning-only "
            + "takes seconds and needs no psql.",
    "Each script is also run by psql after a prior backup (CREATE TABLE … AS SELECT … WHERE <its condition>) and as "
            + "the engine's capture SQL sent by psql; the order of the four rotates every round."})
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

    @Option(names = "--production-like", description = "Run the server as production does: fsync, synchronous_commit"
            + " and full_page_writes on, shared_buffers 2GB (default: the embedded server's, which skip flushing to disk).")
    boolean productionLike;

    /** The goals on a two-core machine. */
    static final double UPDATE_GOAL = 1.3;
    static final double DELETE_GOAL = 1.05;
    static final double MANY_GOAL = 1.5;
    static final double REVERSAL_GOAL = 1.5;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("prodscript-benchmark");
        try (BenchDatabase database = BenchDatabase.start(productionLike)) {
            Measurements measurements = new Measurements(database, new PsqlClient(psql, database.port(), work), new EngineRunner(database));
            out.printf("PostgreSQL %s (embedded), %d processors, JVM max heap %s%n", database.serverVersion(),
                    Runtime.getRuntime().availableProcessors(), megabytes(Runtime.getRuntime().maxMemory()));
            out.printf("Server settings (%s): %s%n", productionLike ? "production-like" : "the embedded server's defaults",
                    database.settings());
            out.printf("Planning figures, %d round(s) …%n", repeat);
            out.flush();
            PlanningBenchmark.Figures planning = new PlanningBenchmark(work, database).measure(statements, repeat);
            if (planningOnly) {
                print(out, planning);
                return 0;
            }
            out.println("Warming up (a tenth of the rows; the many-statement script at full size) …");
            out.flush();
            measurements.round(Math.max(1, rows / 10), statements, 0);
            List<List<Measurements.Figures>> rounds = new ArrayList<>();
            for (int round = 1; round <= repeat; round++) {
                out.printf("Round %d of %d: %,d rows changed of %,d; %,d single-row statements …%n", round, repeat, rows,
                        2 * rows, statements);
                out.flush();
                rounds.add(measurements.round(rows, statements, round));
            }
            List<Measurements.Figures> figures = Measurements.medians(rounds);
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

    private void print(PrintWriter out, List<Measurements.Figures> f, long large, long largeHeap) {
        Measurements.Figures update = f.get(0);
        Measurements.Figures delete = f.get(1);
        Measurements.Figures many = f.get(2);
        List<String> names = List.of(String.format("UPDATE of %,d rows", rows), String.format("DELETE of %,d rows", rows),
                String.format("%,d single-row UPDATEs", statements));
        out.println();
        out.printf("Wall times, medians of %d round(s) (engine: its run; planning before it, apart):%n", repeat);
        out.printf("%-32s", "");
        for (Measurements.Variant variant : Measurements.Variant.values()) {
            out.printf(" %13s", variant.label);
        }
        out.printf(" %13s%n", "planning");
        for (int w = 0; w < f.size(); w++) {
            out.printf("%-32s", names.get(w));
            for (Measurements.Variant variant : Measurements.Variant.values()) {
                out.printf(" %13s", seconds(f.get(w).time(variant)));
            }
            out.printf(" %13s%n", seconds(f.get(w).planning()));
        }
        out.println();
        out.printf("%-72s %8s %8s %8s%n", "Ratios", "measured", "goal", "");
        goal(out, names.get(0) + ": engine / psql", ratio(update, Measurements.Variant.PSQL), UPDATE_GOAL);
        goal(out, names.get(1) + ": engine / prior backup", ratio(delete, Measurements.Variant.PRIOR_BACKUP), DELETE_GOAL);
        goal(out, names.get(2) + ": engine / psql", ratio(many, Measurements.Variant.PSQL), MANY_GOAL);
        goal(out, "reversal of the UPDATE run / the UPDATE run", (double) update.reversal().toNanos()
                / update.time(Measurements.Variant.ENGINE).toNanos(), REVERSAL_GOAL);
        for (int w = 0; w < f.size(); w++) {
            info(out, names.get(w) + ": engine / prior backup", ratio(f.get(w), Measurements.Variant.PRIOR_BACKUP));
            info(out, names.get(w) + ": engine / capture SQL by psql (engine's own work)", ratio(f.get(w), Measurements.Variant.CAPTURE_SQL));
            info(out, names.get(w) + ": capture SQL / psql (PostgreSQL's cost of saving)",
                    (double) f.get(w).time(Measurements.Variant.CAPTURE_SQL).toNanos() / f.get(w).time(Measurements.Variant.PSQL).toNanos());
        }
        out.println();
        out.printf(Locale.ROOT, "%-72s%n", "JVM heap, peak used during the run above the level before it (garbage not yet"
                + " collected included; the proof of the 64 MB goal is the capped rehearsal under Planning)");
        out.printf(Locale.ROOT, "%-72s %8s%n", names.get(2), megabytes(many.heap()));
        out.printf(Locale.ROOT, "%-72s %8s%n", String.format("%,d rows changed", rows), megabytes(update.heap()));
        out.printf(Locale.ROOT, "%-72s %8s%n", String.format("%,d rows changed", large), megabytes(largeHeap));
        out.flush();
    }

    private static double ratio(Measurements.Figures figures, Measurements.Variant against) {
        return (double) figures.time(Measurements.Variant.ENGINE).toNanos() / figures.time(against).toNanos();
    }

    private static void goal(PrintWriter out, String what, double ratio, double goal) {
        out.printf(Locale.ROOT, "%-72s %8.2f %8s %8s%n", what, ratio, "<= " + goal, ratio <= goal ? "met" : "MISSED");
    }

    private static void info(PrintWriter out, String what, double ratio) {
        out.printf(Locale.ROOT, "%-72s %8.2f%n", what, ratio);
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
        out.println();
        String many = String.format("rehearse of %,d single-row UPDATEs with rescue, new JVM", f.statements());
        out.printf(Locale.ROOT, "%-60s %10s%n", many, seconds(f.rehearseMany()));
        out.printf(Locale.ROOT, "%-60s %10s %8s%n", "  the same with the heap capped (" + PlanningBenchmark.HEAP_CAP + "; goal: completes)",
                f.rehearseManyCapped() == null ? "failed" : seconds(f.rehearseManyCapped()),
                f.rehearseManyCapped() == null ? "MISSED" : "met");
        out.flush();
    }

    private static void goal(PrintWriter out, String what, Duration measured, Duration goal) {
        out.printf(Locale.ROOT, "%-44s %10s %10s %8s%n", what, seconds(measured), "<= " + seconds(goal),
                measured.compareTo(goal) <= 0 ? "met" : "MISSED");
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0);
    }
}
