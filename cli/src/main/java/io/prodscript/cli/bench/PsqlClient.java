package io.prodscript.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The machine's own psql, the baseline: it sends a script's statements as they are, inside one REPEATABLE READ
 * transaction like the engine's, and saves nothing.
 */
final class PsqlClient {
    private final Path executable;
    private final int port;
    private final Path workDirectory;

    PsqlClient(Path executable, int port, Path workDirectory) {
        this.executable = executable;
        this.port = port;
        this.workDirectory = workDirectory;
    }

    /** Runs the statements with {@code psql -f} and returns how long psql took, start to exit. */
    Duration run(String statements) throws IOException, InterruptedException {
        Path file = Files.createTempFile(workDirectory, "psql-", ".sql");
        Files.writeString(file, "BEGIN ISOLATION LEVEL REPEATABLE READ;\n" + statements + "\nCOMMIT;\n", StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder(List.of(executable.toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", "localhost", "-p", String.valueOf(port), "-U", BenchDatabase.CREDENTIALS.username(),
                "-d", BenchDatabase.DATABASE, "-f", file.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", BenchDatabase.CREDENTIALS.password());
        long start = System.nanoTime();
        Process process = builder.start();
        int exit = process.waitFor();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Files.delete(file);
        if (exit != 0) {
            throw new IOException("psql exited with " + exit);
        }
        return elapsed;
    }
}
