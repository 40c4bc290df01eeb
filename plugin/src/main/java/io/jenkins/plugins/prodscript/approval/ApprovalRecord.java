package io.jenkins.plugins.prodscript.approval;

import io.jenkins.plugins.prodscript.audit.ShortForm;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * One person's decision on a waiting build, kept with the build for auditors.
 *
 * <p>The decision itself (who, groups, what, when, comment, against which checksum and subject) never changes. Whether
 * it counted, and why not, is the policy's judgement; {@link ApprovalAction} refreshes it on every evaluation, so the
 * stored copy shows the last judgement.
 */
@ExportedBean(defaultVisibility = 3)
public final class ApprovalRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What the person decided. */
    public enum Kind {
        APPROVE("Approved"),
        REJECT("Rejected");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        /** The decision as the decisions table shows it. */
        public String getWords() {
            return words;
        }
    }

    private final String userId;
    private final String displayName;
    private final ArrayList<String> groups; // not List.copyOf: XStream cannot read the JDK's immutable lists back
    private final Kind decision;
    private final long timeMillis;
    private final String comment;
    private final String checksum;
    private final String subjectDigest;
    private final boolean counted;
    private final String note;

    /**
     * @param userId        the deciding user's id
     * @param displayName   the user's full name when deciding
     * @param groups        the groups the user belonged to when deciding
     * @param decision      approve or reject
     * @param timeMillis    when the decision arrived
     * @param comment       what the user wrote, or null
     * @param checksum      the script checksum the user was shown
     * @param subjectDigest the engine's digest of everything the user was shown (script, target, mode, rehearsal)
     * @param counted       whether the policy counted it
     * @param note          the policy's note, e.g. {@code counted} or {@code alice cannot approve their own run}
     */
    public ApprovalRecord(String userId, String displayName, List<String> groups, Kind decision, long timeMillis,
                          String comment, String checksum, String subjectDigest, boolean counted, String note) {
        this.userId = Objects.requireNonNull(userId, "userId");
        this.displayName = displayName == null ? userId : displayName;
        this.groups = groups == null ? new ArrayList<>() : new ArrayList<>(groups);
        this.decision = Objects.requireNonNull(decision, "decision");
        this.timeMillis = timeMillis;
        this.comment = comment == null || comment.isBlank() ? null : comment.strip();
        this.checksum = Objects.requireNonNull(checksum, "checksum");
        this.subjectDigest = Objects.requireNonNull(subjectDigest, "subjectDigest");
        this.counted = counted;
        this.note = note == null ? "" : note;
    }

    /** The same decision with the policy's latest judgement. */
    ApprovalRecord judged(boolean isCounted, String newNote) {
        return new ApprovalRecord(userId, displayName, groups, decision, timeMillis, comment, checksum, subjectDigest,
                isCounted, newNote);
    }

    @Exported
    public String getUserId() {
        return userId;
    }

    @Exported
    public String getDisplayName() {
        return displayName;
    }

    @Exported
    public List<String> getGroups() {
        return Collections.unmodifiableList(groups);
    }

    @Exported
    public Kind getDecision() {
        return decision;
    }

    @Exported
    public long getTimeMillis() {
        return timeMillis;
    }

    /** When the decision arrived, in ISO-8601 UTC. */
    @Exported
    public String getDecidedAt() {
        return Instant.ofEpochMilli(timeMillis).toString();
    }

    /** When the decision arrived, to the minute in UTC, for the decisions table (the full instant is on hover). */
    public String getDecidedAtText() {
        return ShortForm.dateTime(timeMillis);
    }

    @Exported
    public String getComment() {
        return comment;
    }

    @Exported
    /** The first characters of the checksum decided on; the page shows the full one on hover. */
    public String getShortChecksum() {
        return ShortForm.checksum(checksum);
    }

    public String getChecksum() {
        return checksum;
    }

    @Exported
    public String getSubjectDigest() {
        return subjectDigest;
    }

    @Exported
    public boolean isCounted() {
        return counted;
    }

    @Exported
    public String getNote() {
        return note;
    }
}
