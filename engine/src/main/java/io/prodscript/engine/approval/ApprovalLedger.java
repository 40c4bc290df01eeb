package io.prodscript.engine.approval;

import io.prodscript.engine.ledger.Ledger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * Every approval and rejection of runs on a target, written into the target database itself (schema
 * {@code script_runner}, table {@code approvals}), beside the run ledger. An auditor with access to the database
 * can see who approved what, against which script checksum, and whether it counted, without asking Jenkins.
 *
 * <p>Rows are only ever inserted. The table is created on first use; a caller without the right to create it can
 * call {@link #ensureSchema()} once as a more privileged user.
 */
public final class ApprovalLedger {

    private static final String COLUMNS = "id, run_id, script_checksum, target_name, mode, rehearsal_digest,"
            + " subject_digest, user_id, decision, comment, decided_at, counted, note";

    private final Jdbi jdbi;
    private volatile boolean schemaReady;

    /** A ledger on the target database {@code jdbi} connects to; it borrows a handle per call. */
    public ApprovalLedger(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /** Creates the schema and table if they are missing. Safe to call concurrently and repeatedly. */
    public void ensureSchema() {
        jdbi.useTransaction(h -> {
            h.execute("SELECT pg_advisory_xact_lock(?)", Ledger.SCHEMA_LOCK);
            h.execute("CREATE SCHEMA IF NOT EXISTS script_runner");
            h.execute("""
                    CREATE TABLE IF NOT EXISTS script_runner.approvals (
                        id bigserial PRIMARY KEY,
                        run_id text NOT NULL,
                        script_checksum text NOT NULL,
                        target_name text NOT NULL,
                        mode text NOT NULL,
                        rehearsal_digest text,
                        subject_digest text NOT NULL,
                        user_id text NOT NULL,
                        decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
                        comment text,
                        decided_at timestamptz NOT NULL,
                        counted boolean NOT NULL,
                        note text
                    )""");
            h.execute("CREATE INDEX IF NOT EXISTS approvals_run_id ON script_runner.approvals (run_id, id)");
        });
        schemaReady = true;
    }

    /**
     * Records one decision about a run, creating the table first if needed.
     *
     * @param runId    the run decided about
     * @param subject  the run's subject as it is now; when the decision was made against another one, the row shows
     *                 it by its differing {@code subject_digest}
     * @param decision the decision as made
     * @param counted  whether it counted, e.g. {@link Verdict#counted(Decision)}
     * @param note     what became of it, e.g. {@link Verdict#noteFor(Decision)}; may be null
     * @return the row as stored
     */
    public RecordedDecision record(String runId, ApprovalSubject subject, Decision decision, boolean counted,
                                   String note) {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(decision, "decision");
        if (!schemaReady) {
            ensureSchema();
        }
        return jdbi.withHandle(h -> h.createQuery("INSERT INTO script_runner.approvals (run_id, script_checksum,"
                        + " target_name, mode, rehearsal_digest, subject_digest, user_id, decision, comment, decided_at,"
                        + " counted, note) VALUES (:runId, :checksum, :target, :mode, :rehearsal, :digest, :user,"
                        + " :decision, :comment, :decidedAt, :counted, :note) RETURNING " + COLUMNS)
                .bind("runId", runId)
                .bind("checksum", subject.scriptChecksum())
                .bind("target", subject.targetName())
                .bind("mode", subject.mode())
                .bind("rehearsal", subject.rehearsalDigest())
                .bind("digest", decision.subjectDigest())
                .bind("user", decision.userId())
                .bind("decision", decision.kind().name().toLowerCase(Locale.ROOT))
                .bind("comment", decision.comment())
                .bind("decidedAt", OffsetDateTime.ofInstant(decision.decidedAt(), ZoneOffset.UTC))
                .bind("counted", counted)
                .bind("note", note)
                .map((rs, ctx) -> row(rs))
                .one());
    }

    /**
     * The decisions recorded for a run, in the order they were recorded. Empty when there are none, including when
     * the table does not exist yet: listing never creates anything.
     */
    public List<RecordedDecision> list(String runId) {
        Objects.requireNonNull(runId, "runId");
        return jdbi.withHandle(h -> {
            boolean exists = h.createQuery("SELECT to_regclass('script_runner.approvals') IS NOT NULL")
                    .mapTo(Boolean.class).one();
            if (!exists) {
                return List.of();
            }
            return h.createQuery("SELECT " + COLUMNS + " FROM script_runner.approvals WHERE run_id = :runId ORDER BY id")
                    .bind("runId", runId)
                    .map((rs, ctx) -> row(rs))
                    .list();
        });
    }

    private static RecordedDecision row(ResultSet rs) throws SQLException {
        return new RecordedDecision(rs.getLong("id"), rs.getString("run_id"), rs.getString("script_checksum"),
                rs.getString("target_name"), rs.getString("mode"), rs.getString("rehearsal_digest"),
                rs.getString("subject_digest"), rs.getString("user_id"),
                DecisionKind.valueOf(rs.getString("decision").toUpperCase(Locale.ROOT)), rs.getString("comment"),
                rs.getObject("decided_at", OffsetDateTime.class).toInstant(), rs.getBoolean("counted"),
                rs.getString("note"));
    }
}
