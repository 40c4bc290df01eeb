package io.prodscript.engine.approval;

import java.time.Instant;

/**
 * One row of {@code script_runner.approvals}: a decision as the target database remembers it.
 *
 * @param id              the row's number, increasing in the order decisions were recorded
 * @param runId           the run decided about
 * @param scriptChecksum  the checksum of the run's script when the decision was recorded
 * @param targetName      the run's target
 * @param mode            the run's mode, e.g. {@code run} or {@code revert}
 * @param rehearsalDigest the digest of the run's rehearsal report, or null when there was none
 * @param subjectDigest   the digest of what the person decided about; it differs from the digest of the fields
 *                        above when the decision was stale
 * @param userId          who decided
 * @param kind            approve or reject
 * @param comment         what they wrote, or null
 * @param decidedAt       when they decided
 * @param counted         whether the decision counted (an accepted approval, or a rejection that took effect)
 * @param note            what became of it, e.g. {@code counted} or {@code alice cannot approve their own run}
 */
public record RecordedDecision(long id, String runId, String scriptChecksum, String targetName, String mode,
                               String rehearsalDigest, String subjectDigest, String userId, DecisionKind kind,
                               String comment, Instant decidedAt, boolean counted, String note) {
}
