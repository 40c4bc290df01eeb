package io.prodscript.engine.approval;

import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One person's approval or rejection, as it was made: by whom, with which groups at that moment, against which
 * subject, and when. Decisions are facts; whether one counts is for {@link ApprovalPolicy#evaluate} to say.
 *
 * <p>The groups are kept as they were when the person decided, so a later change of membership neither validates
 * nor voids a decision after the fact.
 *
 * @param userId        the person's user id; compared without regard to case, as Jenkins does by default, so
 *                      {@code Alice} cannot approve a run {@code alice} requested
 * @param groups        the groups the person belonged to when deciding (may be empty)
 * @param kind          approve or reject
 * @param subjectDigest the {@link ApprovalSubject#digest()} of what the person was shown when deciding
 * @param decidedAt     when the decision was made
 * @param comment       what the person wrote, or null
 */
public record Decision(String userId, Set<String> groups, DecisionKind kind, String subjectDigest, Instant decidedAt,
                       String comment) {

    public Decision {
        Objects.requireNonNull(userId, "userId");
        userId = userId.strip();
        if (userId.isEmpty()) {
            throw new IllegalArgumentException("a decision needs the user who made it");
        }
        groups = sortedCopy(groups);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subjectDigest, "subjectDigest");
        subjectDigest = subjectDigest.strip().toLowerCase(Locale.ROOT);
        if (subjectDigest.isEmpty()) {
            throw new IllegalArgumentException("a decision needs the digest of the subject it was made against");
        }
        Objects.requireNonNull(decidedAt, "decidedAt");
        comment = comment == null || comment.isBlank() ? null : comment.strip();
    }

    /** An approval of {@code subject} as it is now. */
    public static Decision approve(String userId, Set<String> groups, ApprovalSubject subject, Instant decidedAt) {
        return new Decision(userId, groups, DecisionKind.APPROVE, subject.digest(), decidedAt, null);
    }

    /** A rejection of {@code subject} as it is now, with the reason people will read. */
    public static Decision reject(String userId, Set<String> groups, ApprovalSubject subject, Instant decidedAt,
                                  String comment) {
        return new Decision(userId, groups, DecisionKind.REJECT, subject.digest(), decidedAt, comment);
    }

    /** The same decision with a comment. */
    public Decision withComment(String newComment) {
        return new Decision(userId, groups, kind, subjectDigest, decidedAt, newComment);
    }

    /** The key user ids are compared by. */
    static String identity(String userId) {
        return userId.strip().toLowerCase(Locale.ROOT);
    }

    private static SortedSet<String> sortedCopy(Set<String> groups) {
        TreeSet<String> copy = new TreeSet<>();
        if (groups != null) {
            for (String group : groups) {
                if (group != null && !group.isBlank()) {
                    copy.add(group.strip());
                }
            }
        }
        return Collections.unmodifiableSortedSet(copy);
    }
}
