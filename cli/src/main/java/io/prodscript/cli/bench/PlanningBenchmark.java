package io.prodscript.cli.bench;

import io.prodscript.cli.PasswordSource;
import io.prodscript.engine.Refusal;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.script.Script;
import io.prodscript.engine.script.ScriptReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a newcomer waits for at the command line: {@code lint} of a 10,000-statement script in a fresh JVM (cold) and
 * in a JVM that has planned before (warm), {@code lint} of a one-statement script, and {@code rehearse} of a one-row
 * script, each as wall time of the whole command. Cold figures start this same program in a new JVM, as a user
 * would; the warm figure plans in this JVM after warming up. Also {@code rehearse} of the many-statement script (with
 * rescue: every statement's rows saved, then rolled back) in a new JVM whose heap is capped at {@link #HEAP_CAP}, and
 * uncapped: the capped run completing is the proof that the engine needs no more heap than that, which a sampled peak
 * (it counts garbage not yet collected) cannot give.
 */
final class PlanningBenchmark {
    /** The goals on a two-core machine. */
    static final Duration LINT_MANY_COLD_GOAL = Duration.ofMillis(2000);
    static final Duration LINT_MANY_WARM_GOAL = Duration.ofMillis(300);
    static final Duration LINT_ONE_GOAL = Duration.ofMillis(1500);
    static final Duration REHEARSE_ONE_GOAL = Duration.ofMillis(3000);
    /** The heap the many-statement rehearsal must fit in. */
    static final String HEAP_CAP = "-Xmx64m";

    private final Path work;
    private final BenchDatabase database;

    PlanningBenchmark(Path work, BenchDatabase database) {
        this.work = work;
        this.database = database;
    }

    /** The figures, each the median of {@code repeat} measurements. */
    /**
     * @param rehearseManyCapped the many-statement rehearsal in a JVM with {@link #HEAP_CAP}, or null when it failed
     */
    record Figures(int statements, Duration lintManyCold, Duration lintManyWarm, Duration lintOne, Duration rehearseOne,
                   Duration rehearseMany, Duration rehearseManyCapped) {
    }

    Figures measure(int statements, int repeat) throws IOException, InterruptedException {
        String many = Workload.singleRowUpdates(statements, 2L * statements).script();
        Path manyScript = Files.writeString(work.resolve("many.sql"), many);
        Path oneScript = Files.writeString(work.resolve("one.sql"), "UPDATE bench SET v = v + 1 WHERE id = 1;\n");
        try {
            database.reset(Math.max(2L * statements, 1));
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot prepare the benchmark table: " + e.getMessage(), e);
        }
        List<Duration> manyCold = new ArrayList<>();
        List<Duration> manyWarm = new ArrayList<>();
        List<Duration> one = new ArrayList<>();
        List<Duration> rehearse = new ArrayList<>();
        List<Duration> rehearseMany = new ArrayList<>();
        List<Duration> rehearseManyCapped = new ArrayList<>();
        ScriptEngine engine = ScriptEngine.create();
        Script manyRead = script("many", many);
        engine.plan(manyRead);
        for (int i = 0; i < repeat; i++) {
            manyCold.add(command(List.of(), "lint", "--root", work.toString(), "many.sql"));
            long start = System.nanoTime();
            engine.plan(script("many-" + i, many));
            manyWarm.add(Duration.ofNanos(System.nanoTime() - start));
            one.add(command(List.of(), "lint", "--root", work.toString(), "one.sql"));
            rehearse.add(command(List.of(), rehearse("one.sql")));
            rehearseMany.add(command(List.of(), rehearse("many.sql")));
            try {
                rehearseManyCapped.add(command(List.of(HEAP_CAP), rehearse("many.sql")));
            } catch (Refusal outOfHeap) {
                rehearseManyCapped.add(null);
            }
        }
        Files.deleteIfExists(manyScript);
        Files.deleteIfExists(oneScript);
        return new Figures(statements, median(manyCold), median(manyWarm), median(one), median(rehearse),
                median(rehearseMany), rehearseManyCapped.contains(null) ? null : median(rehearseManyCapped));
    }

    private String[] rehearse(String script) {
        return new String[] {"rehearse", "--root", work.toString(), "--url", database.target().jdbcUrl(), "--user",
            BenchDatabase.CREDENTIALS.username(), script};
    }

    private static Script script(String name, String sql) {
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        return new Script("bench/" + name + ".sql", sql, ScriptReader.sha256(bytes), bytes.length);
    }

    /** Wall time of this program run with the arguments in a new JVM with these options, which must exit 0. */
    private Duration command(List<String> jvmOptions, String... arguments) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(javaExecutable()));
        line.addAll(jvmOptions);
        line.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.prodscript.cli.Main"));
        line.addAll(List.of(arguments));
        Path log = work.resolve("command.log");
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(PasswordSource.ENVIRONMENT_VARIABLE, BenchDatabase.CREDENTIALS.password());
        try {
            long start = System.nanoTime();
            int exit = builder.start().waitFor();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (exit != 0) {
                String output = Files.readString(log).strip();
                throw new Refusal("prodscript " + String.join(" ", arguments) + " exited " + exit + ": "
                        + output.substring(0, Math.min(output.length(), 2000)));
            }
            return elapsed;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static Duration median(List<Duration> figures) {
        return figures.stream().sorted().toList().get(figures.size() / 2);
    }
}
