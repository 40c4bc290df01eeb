package io.prodscript.engine.approval;

import io.prodscript.engine.ledger.LedgerNotInstalled;
import io.prodscript.engine.ledger.LedgerSchema;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Every approval and rejection of runs on a target, written into the target database itself (schema
 * {@code script_runner}, table {@code approvals}), beside the run ledger. An auditor with access to the database
 * can see who approved what, against which script checksum, and whether it counted, without asking Jenkins.
 *
 * <p>Rows are only ever inserted. The table belongs to the ledger's schema, which an administrator installs
 * ({@link LedgerSchema#install}); the runner role only needs {@code SELECT} and {@code INSERT} on it.
 */
public final class ApprovalLedger {

    private static final String COLUMNS = "id, run_id, script_checksum, target_name, mode, rehearsal_digest,"
            + " subject_digest, user_id, decision, comment, decided_at, counted, note";

    private final Jdbi jdbi;

    /** A ledger on the target database {@code jdbi} connects to; it borrows a handle per call. */
    public ApprovalLedger(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /**
     * Records one decision about a run.
     *
     * @param runId    the run decided about
     * @param subject  the run's subject as it is now; when the decision was made against another one, the row shows
     *                 it by its differing {@code subject_digest}
     * @param decision the decision as made
     * @param counted  whether it counted, e.g. {@link Verdict#counted(Decision)}
     * @param note     what became of it, e.g. {@link Verdict#noteFor(Decision)}; may be null
     * @return the row as stored
     * @throws IllegalStateException saying what to run when the ledger is not installed
     */
    public RecordedDecision record(String runId, ApprovalSubject subject, Decision decision, boolean counted,
                                   String note) {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(decision, "decision");
        return jdbi.withHandle(h -> installed(h).createQuery("INSERT INTO script_runner.approvals (run_id, script_checksum,"
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
     * The decisions recorded for a run, in the order they were recorded; empty when there are none.
     *
     * @throws IllegalStateException saying what to run when the ledger is not installed
     */
    public List<RecordedDecision> list(String runId) {
        Objects.requireNonNull(runId, "runId");
        return jdbi.withHandle(h -> installed(h)
                .createQuery("SELECT " + COLUMNS + " FROM script_runner.approvals WHERE run_id = :runId ORDER BY id")
                .bind("runId", runId)
                .map((rs, ctx) -> row(rs))
                .list());
    }

    private static Handle installed(Handle handle) {
        try {
            LedgerSchema.requireInstalled(handle, "this database", null);
            return handle;
        } catch (LedgerNotInstalled e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
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
