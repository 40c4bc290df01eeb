package io.prodscript.engine.approval;

import io.prodscript.engine.approval.Verdict.IgnoreReason;
import io.prodscript.engine.approval.Verdict.IgnoredDecision;
import io.prodscript.engine.approval.Verdict.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The rule for approving a run on one kind of target: how many distinct people must approve, who may, and how long
 * the run waits. Immutable; the {@code with…} methods return a changed copy.
 *
 * <p>The rules, applied by {@link #evaluate}:
 * <ul>
 *   <li>A decision counts only for the subject it was made against: when the script, target, mode or rehearsal
 *       changes, earlier decisions are ignored as stale.</li>
 *   <li>The requester can never approve their own run. The requester may reject it: that withdraws the request and
 *       ends the run like any rejection, whoever the eligible approvers are, because nobody should be made to run
 *       a script its author has stopped trusting.</li>
 *   <li>Only eligible people count, for approving and for rejecting; with no eligible users or groups configured,
 *       everyone is eligible.</li>
 *   <li>Each person counts once.</li>
 *   <li>One rejection by an eligible person ends the run, whatever approvals there are. Blocking is always the safe
 *       side, so a rejection is never too late.</li>
 *   <li>With a maximum wait, approvals made after it ran out do not count, and a run without enough approvals by
 *       then expires.</li>
 * </ul>
 *
 * <p>User ids are compared without regard to case (Jenkins' default), so no one can approve twice or approve their
 * own run by changing the case of their name. Group names are compared exactly, so eligibility is never wider than
 * configured.
 */
public final class ApprovalPolicy {
    /** The tier whose targets need two approvals by default. */
    public static final String PRODUCTION_TIER = "production";

    private final String tier;
    private final int requiredApprovals;
    private final SortedSet<String> eligibleUsers;
    private final SortedSet<String> eligibleGroups;
    private final Duration maximumWait;

    private ApprovalPolicy(String tier, int requiredApprovals, SortedSet<String> eligibleUsers,
                           SortedSet<String> eligibleGroups, Duration maximumWait) {
        this.tier = tier;
        this.requiredApprovals = requiredApprovals;
        this.eligibleUsers = eligibleUsers;
        this.eligibleGroups = eligibleGroups;
        this.maximumWait = maximumWait;
    }

    /**
     * The default policy for a target tier: two approvals for {@code production} (any case), one for every other
     * tier; anyone but the requester may decide; no time limit. A missing tier is treated as production, as
     * targets treat it, so forgetting to set it never lowers the bar.
     */
    public static ApprovalPolicy forTier(String tier) {
        String name = tier == null || tier.isBlank() ? PRODUCTION_TIER : tier.strip();
        int required = name.equalsIgnoreCase(PRODUCTION_TIER) ? 2 : 1;
        return new ApprovalPolicy(name, required, emptySet(), emptySet(), null);
    }

    /** The same policy asking for {@code count} distinct approvals (at least 1). */
    public ApprovalPolicy withRequiredApprovals(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a run needs at least 1 approval; leave out the approval step instead");
        }
        return new ApprovalPolicy(tier, count, eligibleUsers, eligibleGroups, maximumWait);
    }

    /**
     * The same policy letting only these users, and members of these groups, decide. Both empty (or null) means
     * anyone may.
     */
    public ApprovalPolicy withEligibleApprovers(Set<String> users, Set<String> groups) {
        SortedSet<String> userIds = new TreeSet<>();
        for (String user : nullToEmpty(users)) {
            if (user != null && !user.isBlank()) {
                userIds.add(Decision.identity(user));
            }
        }
        SortedSet<String> groupNames = new TreeSet<>();
        for (String group : nullToEmpty(groups)) {
            if (group != null && !group.isBlank()) {
                groupNames.add(group.strip());
            }
        }
        return new ApprovalPolicy(tier, requiredApprovals, Collections.unmodifiableSortedSet(userIds),
                Collections.unmodifiableSortedSet(groupNames), maximumWait);
    }

    /** The same policy expiring runs that wait longer than {@code wait}; null removes the limit. */
    public ApprovalPolicy withMaximumWait(Duration wait) {
        if (wait != null && (wait.isNegative() || wait.isZero())) {
            throw new IllegalArgumentException("the maximum wait must be positive");
        }
        return new ApprovalPolicy(tier, requiredApprovals, eligibleUsers, eligibleGroups, wait);
    }

    public String tier() {
        return tier;
    }

    public int requiredApprovals() {
        return requiredApprovals;
    }

    /** The eligible user ids, lower-cased; empty with no groups means anyone. */
    public Set<String> eligibleUsers() {
        return eligibleUsers;
    }

    public Set<String> eligibleGroups() {
        return eligibleGroups;
    }

    public Optional<Duration> maximumWait() {
        return Optional.ofNullable(maximumWait);
    }

    /** When a run waiting since {@code waitingSince} expires, if this policy has a maximum wait. */
    public Optional<Instant> deadline(Instant waitingSince) {
        Objects.requireNonNull(waitingSince, "waitingSince");
        return maximumWait().map(waitingSince::plus);
    }

    /** The policy in one sentence, e.g. {@code 2 approvals by members of dba, not the requester, within 4h}. */
    public String describe() {
        StringBuilder text = new StringBuilder(approvalCount(requiredApprovals)).append(" by ");
        text.append(anyoneEligible() ? "anyone" : eligibleDescription()).append(", not the requester");
        if (maximumWait != null) {
            text.append(", within ").append(humanDuration(maximumWait));
        }
        return text.toString();
    }

    /**
     * Why this user may not make this decision, for the UI to say before recording anything; empty when they may.
     * This checks the person only; whether the decision then counts also depends on the subject, time and earlier
     * decisions, which {@link #evaluate} judges.
     *
     * @param user      the user about to decide
     * @param groups    the user's groups now
     * @param requester who requested the run
     * @param kind      approve or reject
     */
    public Optional<String> whyCannotDecide(String user, Set<String> groups, String requester, DecisionKind kind) {
        Objects.requireNonNull(kind, "kind");
        String requesterId = requesterIdentity(requester);
        if (user == null || user.isBlank()) {
            return Optional.of("only a signed-in user can approve or reject a run");
        }
        String name = user.strip();
        if (Decision.identity(name).equals(requesterId)) {
            return kind == DecisionKind.APPROVE ? Optional.of(ownRun(name)) : Optional.empty();
        }
        if (!eligible(name, nullToEmpty(groups))) {
            return Optional.of(notEligible(name));
        }
        return Optional.empty();
    }

    /**
     * What the decisions collected so far mean for the run.
     *
     * @param current      the subject as it is now; decisions made against another one are stale
     * @param requester    who requested the run (a user id; never blank, so that self-approval is always caught)
     * @param decisions    every decision collected for the run, in any order
     * @param waitingSince when the run started waiting for approval
     * @param now          the time to judge at
     */
    public Verdict evaluate(ApprovalSubject current, String requester, List<Decision> decisions, Instant waitingSince,
                            Instant now) {
        Objects.requireNonNull(current, "current");
        String requesterId = requesterIdentity(requester);
        Objects.requireNonNull(now, "now");
        Instant deadline = deadline(waitingSince).orElse(null);
        String digest = current.digest();

        // Oldest first, so "counts once" keeps a person's first valid decision; the sort is stable for equal times.
        List<Decision> ordered = new ArrayList<>(decisions);
        ordered.forEach(d -> Objects.requireNonNull(d, "decision"));
        ordered.sort(Comparator.comparing(Decision::decidedAt));

        List<Decision> approvals = new ArrayList<>();
        List<Decision> rejections = new ArrayList<>();
        List<IgnoredDecision> ignored = new ArrayList<>();
        Set<String> approvedBy = new HashSet<>();
        Set<String> rejectedBy = new HashSet<>();
        for (Decision decision : ordered) {
            String user = decision.userId();
            String id = Decision.identity(user);
            boolean approve = decision.kind() == DecisionKind.APPROVE;
            if (!decision.subjectDigest().equals(digest)) {
                ignored.add(new IgnoredDecision(decision, IgnoreReason.STALE, user + (approve ? " approved" : " rejected")
                        + " something else: the script, target, mode or rehearsal has changed since"));
            } else if (!approve) {
                // The requester may always withdraw; anyone else must be eligible to stop the run.
                if (!id.equals(requesterId) && !eligible(user, decision.groups())) {
                    ignored.add(new IgnoredDecision(decision, IgnoreReason.NOT_ELIGIBLE, notEligible(user)));
                } else if (rejectedBy.add(id)) {
                    rejections.add(decision);
                } else {
                    ignored.add(new IgnoredDecision(decision, IgnoreReason.DUPLICATE,
                            user + " rejected more than once; it counts once"));
                }
            } else if (id.equals(requesterId)) {
                ignored.add(new IgnoredDecision(decision, IgnoreReason.OWN_RUN, ownRun(user)));
            } else if (!eligible(user, decision.groups())) {
                ignored.add(new IgnoredDecision(decision, IgnoreReason.NOT_ELIGIBLE, notEligible(user)));
            } else if (deadline != null && decision.decidedAt().isAfter(deadline)) {
                ignored.add(new IgnoredDecision(decision, IgnoreReason.TOO_LATE,
                        user + " approved after the " + humanDuration(maximumWait) + " wait had run out"));
            } else if (approvedBy.add(id)) {
                approvals.add(decision);
            } else {
                ignored.add(new IgnoredDecision(decision, IgnoreReason.DUPLICATE,
                        user + " approved more than once; it counts once"));
            }
        }

        Outcome outcome;
        String sentence;
        String tally = approvalCount(approvals.size(), requiredApprovals) + approvers(approvals) + notes(ignored);
        if (!rejections.isEmpty()) {
            outcome = Outcome.REJECTED;
            sentence = rejections.stream().map(r -> rejection(r, requesterId)).collect(Collectors.joining("; "));
        } else if (approvals.size() >= requiredApprovals) {
            outcome = Outcome.PROCEED;
            sentence = "approved: " + tally;
        } else if (deadline != null && now.isAfter(deadline)) {
            outcome = Outcome.EXPIRED;
            sentence = "expired after " + humanDuration(maximumWait) + " with " + tally;
        } else {
            outcome = Outcome.WAITING;
            sentence = tally;
        }
        return new Verdict(outcome, requester.strip(), requiredApprovals, approvals, rejections, ignored, sentence);
    }

    private boolean anyoneEligible() {
        return eligibleUsers.isEmpty() && eligibleGroups.isEmpty();
    }

    private boolean eligible(String user, Set<String> groups) {
        if (anyoneEligible() || eligibleUsers.contains(Decision.identity(user))) {
            return true;
        }
        for (String group : groups) {
            if (group != null && eligibleGroups.contains(group.strip())) {
                return true;
            }
        }
        return false;
    }

    private String eligibleDescription() {
        List<String> who = new ArrayList<>(eligibleUsers);
        if (!eligibleGroups.isEmpty()) {
            who.add("members of " + String.join(", ", eligibleGroups));
        }
        if (who.size() == 1) {
            return who.get(0);
        }
        return String.join(", ", who.subList(0, who.size() - 1)) + " or " + who.get(who.size() - 1);
    }

    private String notEligible(String user) {
        return user + " is not an eligible approver (eligible: " + eligibleDescription() + ")";
    }

    private static String ownRun(String user) {
        return user + " cannot approve their own run";
    }

    private static String requesterIdentity(String requester) {
        Objects.requireNonNull(requester, "requester");
        if (requester.isBlank()) {
            throw new IllegalArgumentException("the requester must be known, or self-approval could not be caught");
        }
        return Decision.identity(requester);
    }

    private static String rejection(Decision decision, String requesterId) {
        String verb = Decision.identity(decision.userId()).equals(requesterId) ? "withdrawn by " : "rejected by ";
        // A sentence is one line; comments may have several.
        String comment = decision.comment() == null ? "" : ": " + decision.comment().replaceAll("\\s+", " ");
        return verb + decision.userId() + comment;
    }

    private static String approvers(List<Decision> approvals) {
        if (approvals.isEmpty()) {
            return "";
        }
        return approvals.stream().map(Decision::userId).collect(Collectors.joining(", ", " (", ")"));
    }

    private static String notes(List<IgnoredDecision> ignored) {
        // The same reason twice (alice approving her own run twice) is said once.
        Set<String> distinct = new LinkedHashSet<>();
        ignored.forEach(i -> distinct.add(i.explanation()));
        return distinct.stream().map(note -> "; " + note).collect(Collectors.joining());
    }

    private static String approvalCount(int count) {
        return count + (count == 1 ? " approval" : " approvals");
    }

    private static String approvalCount(int count, int required) {
        return count + " of " + approvalCount(required);
    }

    /** Durations as people write them: {@code 4h}, {@code 1h 30m}, {@code 2d}. */
    static String humanDuration(Duration duration) {
        List<String> parts = new ArrayList<>();
        if (duration.toDaysPart() > 0) {
            parts.add(duration.toDaysPart() + "d");
        }
        if (duration.toHoursPart() > 0) {
            parts.add(duration.toHoursPart() + "h");
        }
        if (duration.toMinutesPart() > 0) {
            parts.add(duration.toMinutesPart() + "m");
        }
        if (duration.toSecondsPart() > 0 || parts.isEmpty()) {
            parts.add(duration.toSecondsPart() + "s");
        }
        return String.join(" ", parts);
    }

    private static <T> Set<T> nullToEmpty(Set<T> set) {
        return set == null ? Set.of() : set;
    }

    private static SortedSet<String> emptySet() {
        return Collections.unmodifiableSortedSet(new TreeSet<>());
    }

    @Override
    public String toString() {
        return "ApprovalPolicy[" + tier + ": " + describe() + "]";
    }
}
