package io.prodscript.engine.rescue;

import io.prodscript.engine.report.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Rescue's part of the ledger ({@code script_runner.rescue_manifests} and {@code script_runner.rescue_tables},
 * created with the ledger): each committed run's manifest, its script's own {@code @revert} section, and every
 * rescue table until cleanup drops it. With these, a reversal can be generated from the database alone.
 *
 * <p>All methods run on the given handle; the caller decides which transaction they belong to.
 */
public final class RescueRegistry {
    private static final String SELECT_TABLE = "SELECT table_name AS name, run_id, statement_number, source_table,"
            + " expires_at, notice_given_at, dropped_at, dropped_by FROM script_runner.rescue_tables";

    private final Handle handle;

    public RescueRegistry(Handle handle) {
        this.handle = handle;
    }

    /**
     * Records a run's manifest and rescue tables; called inside the run's transaction, so they commit with it. One
     * statement, one round trip, however many rescue tables: the manifest's row, and the tables' rows from arrays.
     */
    void record(RescueManifest manifest, String revertSql) {
        List<RescueManifest.Entry> tables = manifest.rescueTables();
        handle.createUpdate("""
                        WITH manifest AS (
                            INSERT INTO script_runner.rescue_manifests (run_id, manifest, revert_sql)
                            VALUES (:runId, CAST(:manifest AS jsonb), :revert))
                        INSERT INTO script_runner.rescue_tables (run_id, statement_number, table_name, source_table, expires_at)
                        SELECT :runId, t.statement, t.name, t.source, t.expires_at
                          FROM unnest(CAST(:statements AS int[]), CAST(:names AS text[]), CAST(:sources AS text[]),
                                      CAST(:expiresAt AS timestamptz[])) AS t(statement, name, source, expires_at)""")
                .bind("runId", manifest.runId())
                .bind("manifest", Json.line(manifest))
                .bind("revert", revertSql)
                .bindArray("statements", Integer.class, tables.stream().map(RescueManifest.Entry::number).toList())
                .bindArray("names", String.class, tables.stream().map(RescueManifest.Entry::rescueTable).toList())
                .bindArray("sources", String.class, tables.stream().map(RescueManifest.Entry::table).toList())
                .bindArray("expiresAt", String.class, tables.stream().map(e -> e.expiresAt().toString()).toList())
                .execute();
    }

    /** The run's manifest as stored, or empty when the run saved none (it did not commit, or ran without rescue). */
    public Optional<RescueManifest> manifest(String runId) {
        return handle.createQuery("SELECT manifest::text FROM script_runner.rescue_manifests WHERE run_id = :id")
                .bind("id", runId).mapTo(String.class).findOne().map(json -> Json.read(json, RescueManifest.class));
    }

    /** The script's own {@code @revert} section of a run, when it had one. */
    Optional<String> revertSql(String runId) {
        return handle.createQuery("SELECT revert_sql FROM script_runner.rescue_manifests WHERE run_id = :id AND revert_sql IS NOT NULL")
                .bind("id", runId).mapTo(String.class).findOne();
    }

    /** A run's rescue tables, dropped or not, in statement order. */
    List<RescueTable> tablesOf(String runId) {
        return handle.createQuery(SELECT_TABLE + " WHERE run_id = :id ORDER BY statement_number")
                .bind("id", runId).map((rs, ctx) -> table(rs)).list();
    }

    /** Rescue tables not yet dropped that expire at or before the given moment, soonest first. */
    public List<RescueTable> expiringBy(Instant moment) {
        return handle.createQuery(SELECT_TABLE + " WHERE dropped_at IS NULL AND expires_at <= :moment ORDER BY expires_at, run_id, statement_number")
                .bind("moment", OffsetDateTime.ofInstant(moment, ZoneOffset.UTC)).map((rs, ctx) -> table(rs)).list();
    }

    /**
     * Records, for every rescue table not yet dropped that expires at or before {@code moment} and has not been
     * announced, that its expiry is announced {@code now}; a table announced earlier keeps its first notice.
     *
     * @return the tables expiring by {@code moment}, soonest first, each with its notice
     */
    public List<RescueTable> announceExpiringBy(Instant moment, Instant now) {
        handle.createUpdate("UPDATE script_runner.rescue_tables SET notice_given_at = :now"
                        + " WHERE dropped_at IS NULL AND expires_at <= :moment AND notice_given_at IS NULL")
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .bind("moment", OffsetDateTime.ofInstant(moment, ZoneOffset.UTC))
                .execute();
        return expiringBy(moment);
    }

    /**
     * Rescue tables not yet dropped that expired at or before {@code now} and whose expiry was announced at or before
     * {@code noticedBy}, soonest first: what cleanup may drop.
     */
    List<RescueTable> droppable(Instant now, Instant noticedBy) {
        return handle.createQuery(SELECT_TABLE + " WHERE dropped_at IS NULL AND expires_at <= :now"
                        + " AND notice_given_at <= :noticedBy ORDER BY expires_at, run_id, statement_number")
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .bind("noticedBy", OffsetDateTime.ofInstant(noticedBy, ZoneOffset.UTC))
                .map((rs, ctx) -> table(rs)).list();
    }

    /** Records that cleanup dropped a run's rescue table. */
    void markDropped(RescueTable table, Instant at, String by) {
        handle.createUpdate("UPDATE script_runner.rescue_tables SET dropped_at = :at, dropped_by = :by"
                        + " WHERE run_id = :runId AND table_name = :name")
                .bind("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .bind("by", by)
                .bind("runId", table.runId())
                .bind("name", table.name())
                .execute();
    }

    private static RescueTable table(ResultSet rs) throws SQLException {
        return new RescueTable(rs.getString("name"), rs.getString("run_id"), rs.getInt("statement_number"),
                rs.getString("source_table"), instant(rs, "expires_at"), instant(rs, "notice_given_at"),
                instant(rs, "dropped_at"), rs.getString("dropped_by"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
