package io.prodscript.cli.bench;

import io.prodscript.cli.EmbeddedDatabase;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.DatabaseTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's one PostgreSQL server (embedded, in a temporary directory) and its table {@code bench}: {@code id}
 * (primary key), {@code grp} ({@code id % 2}, so half the rows match {@code grp = 0}), {@code v} and {@code note}.
 * Every measurement starts from {@link #reset}, so psql and the engine meet the same data in the same state.
 */
final class BenchDatabase implements AutoCloseable {
    static final String DATABASE = "bench";
    static final Credentials CREDENTIALS = EmbeddedDatabase.CREDENTIALS;

    private final EmbeddedDatabase server;

    private BenchDatabase(EmbeddedDatabase server) {
        this.server = server;
    }

    /** The settings shown with the figures: those that decide what writing rows costs. */
    private static final List<String> SHOWN_SETTINGS = List.of("fsync", "synchronous_commit", "full_page_writes",
            "shared_buffers", "work_mem", "wal_level", "max_wal_size", "checkpoint_timeout");

    /**
     * @param productionLike whether to run with what a production server has: writes flushed to disk ({@code fsync},
     *                       {@code synchronous_commit} and {@code full_page_writes} on) and 2 GB of shared buffers;
     *                       otherwise the embedded server's defaults, which skip flushing
     */
    static BenchDatabase start(boolean productionLike) throws IOException, SQLException {
        // Checkpoints only on demand (reset ends with one), so none lands inside a timed run of any variant.
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("max_wal_size", "20GB")
                .setServerConfig("checkpoint_timeout", "1h");
        if (productionLike) {
            builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on").setServerConfig("shared_buffers", "2GB");
        }
        BenchDatabase database = new BenchDatabase(EmbeddedDatabase.start(builder, DATABASE));
        try {
            ScriptEngine.create().install(database.target(), CREDENTIALS);
        } catch (SQLException e) {
            database.close();
            throw e;
        }
        return database;
    }

    int port() {
        return server.port();
    }

    /** A target with timeouts long enough for the largest measurement. */
    DatabaseTarget target() {
        return server.target("bench", "benchmark", Duration.ofHours(1), Duration.ofMinutes(1));
    }

    /**
     * Rebuilds {@code bench} with {@code rows} rows and drops every rescue table and the prior backup, then vacuums and checkpoints so the
     * table's pages are all-visible and no earlier write is still being flushed.
     */
    void reset(long rows) throws SQLException {
        execute("DROP SCHEMA IF EXISTS rescue CASCADE");
        execute("CREATE SCHEMA rescue");
        execute("DROP TABLE IF EXISTS bench, " + Workload.BACKUP_TABLE);
        execute("CREATE TABLE bench (id int NOT NULL, grp int NOT NULL, v int NOT NULL, note text NOT NULL)");
        execute("INSERT INTO bench SELECT g, g % 2, g, md5(g::text) FROM generate_series(1, " + rows + ") g");
        execute("ALTER TABLE bench ADD PRIMARY KEY (id)");
        execute("VACUUM ANALYZE bench");
        execute("CHECKPOINT");
    }

    /** A digest of the table's contents, to show a reversal restored it. */
    String digest() throws SQLException {
        return single("SELECT md5(string_agg(id || ',' || grp || ',' || v || ',' || note, ';' ORDER BY id)) FROM bench");
    }

    /** The first column of the first row of a query, as text. */
    String single(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** {@code name=value} of each setting that decides what writing rows costs. */
    String settings() throws SQLException {
        List<String> shown = new ArrayList<>();
        for (String name : SHOWN_SETTINGS) {
            shown.add(name + "=" + single("SHOW " + name));
        }
        return String.join(", ", shown);
    }

    String serverVersion() throws SQLException {
        return server.serverVersion();
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private Connection connect() throws SQLException {
        return server.connect();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
