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
 * would; the warm figure plans in this JVM after warming up.
 */
final class PlanningBenchmark {
    /** The goals on a two-core machine. */
    static final Duration LINT_MANY_COLD_GOAL = Duration.ofMillis(2000);
    static final Duration LINT_MANY_WARM_GOAL = Duration.ofMillis(300);
    static final Duration LINT_ONE_GOAL = Duration.ofMillis(1500);
    static final Duration REHEARSE_ONE_GOAL = Duration.ofMillis(3000);

    private final Path work;
    private final BenchDatabase database;

    PlanningBenchmark(Path work, BenchDatabase database) {
        this.work = work;
        this.database = database;
    }

    /** The figures, each the median of {@code repeat} measurements. */
    record Figures(int statements, Duration lintManyCold, Duration lintManyWarm, Duration lintOne, Duration rehearseOne) {
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
        ScriptEngine engine = ScriptEngine.create();
        Script manyRead = script("many", many);
        engine.plan(manyRead);
        for (int i = 0; i < repeat; i++) {
            manyCold.add(command("lint", "--root", work.toString(), "many.sql"));
            long start = System.nanoTime();
            engine.plan(script("many-" + i, many));
            manyWarm.add(Duration.ofNanos(System.nanoTime() - start));
            one.add(command("lint", "--root", work.toString(), "one.sql"));
            rehearse.add(command("rehearse", "--root", work.toString(), "--url", database.target().jdbcUrl(),
                    "--user", BenchDatabase.CREDENTIALS.username(), "one.sql"));
        }
        Files.deleteIfExists(manyScript);
        Files.deleteIfExists(oneScript);
        return new Figures(statements, median(manyCold), median(manyWarm), median(one), median(rehearse));
    }

    private static Script script(String name, String sql) {
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        return new Script("bench/" + name + ".sql", sql, ScriptReader.sha256(bytes), bytes.length);
    }

    /** Wall time of this program run with the arguments in a new JVM, which must exit 0. */
    private Duration command(String... arguments) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                "io.prodscript.cli.Main"));
        line.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(work.resolve("command.log").toFile());
        builder.environment().put(PasswordSource.ENVIRONMENT_VARIABLE, BenchDatabase.CREDENTIALS.password());
        long start = System.nanoTime();
        Process process = builder.start();
        int exit = process.waitFor();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (exit != 0) {
            throw new Refusal("prodscript " + String.join(" ", arguments) + " exited " + exit + ": "
                    + Files.readString(work.resolve("command.log")).strip());
        }
        Files.deleteIfExists(work.resolve("command.log"));
        return elapsed;
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static Duration median(List<Duration> figures) {
        return figures.stream().sorted().toList().get(figures.size() / 2);
    }
}
