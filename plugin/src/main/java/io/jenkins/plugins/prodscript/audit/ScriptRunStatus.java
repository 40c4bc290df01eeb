package io.jenkins.plugins.prodscript.audit;

/** Where a build's script run stands, as shown on the build page and in the remote API. */
public enum ScriptRunStatus {
    /** Reading and planning the script. */
    PLANNING,
    /** The script or the request was refused before any database work; nothing ran. */
    REFUSED,
    /** Rehearsing on the target (always rolled back). */
    REHEARSING,
    /** The rehearsal succeeded and was rolled back; a rehearse-only build ends here. */
    REHEARSED,
    /** The rehearsal failed; everything was rolled back and no approval was asked. */
    REHEARSAL_FAILED,
    /** Rehearsed, waiting for approvals. */
    WAITING_FOR_APPROVAL,
    /** An approver rejected the run, or the requester withdrew it; nothing ran. */
    REJECTED,
    /** Not enough approvals arrived in time; nothing ran. */
    EXPIRED,
    /** Approved; running on the target. */
    RUNNING,
    /** The run committed. */
    COMMITTED,
    /** The run failed and was rolled back. */
    FAILED,
    /** The run was aborted and rolled back. */
    CANCELLED,
    /**
     * The run started on the target but its outcome did not come back: the build was aborted during the run, Jenkins
     * restarted, or COMMIT's answer was lost and the database could not be asked. The target's ledger decides, and
     * the build's record follows it once read.
     */
    UNKNOWN;

    /** The status as a short phrase for pages, e.g. {@code Waiting for approval}. */
    public String getWords() {
        return switch (this) {
            case PLANNING -> "Planning";
            case REFUSED -> "Refused, nothing ran";
            case REHEARSING -> "Rehearsing";
            case REHEARSED -> "Rehearsed and rolled back";
            case REHEARSAL_FAILED -> "Rehearsal failed, rolled back";
            case WAITING_FOR_APPROVAL -> "Waiting for approval";
            case REJECTED -> "Rejected, nothing ran";
            case EXPIRED -> "Expired, nothing ran";
            case RUNNING -> "Running";
            case COMMITTED -> "Committed";
            case FAILED -> "Failed, rolled back";
            case CANCELLED -> "Cancelled, rolled back";
            case UNKNOWN -> "Outcome unknown, reading the target's ledger";
        };
    }

    /**
     * True when the run is over and its outcome known: final, and not {@link #UNKNOWN}, which the target's ledger
     * still has to settle.
     */
    public boolean isSettled() {
        return isFinal() && this != UNKNOWN;
    }

    /** True while the run's outcome is not settled on the target: it runs, or its outcome is unknown. */
    public boolean isOutcomePending() {
        return this == RUNNING || this == UNKNOWN;
    }

    /** True when the run is over, whatever its outcome (known or not). */
    public boolean isFinal() {
        return switch (this) {
            case REFUSED, REHEARSED, REHEARSAL_FAILED, REJECTED, EXPIRED, COMMITTED, FAILED, CANCELLED, UNKNOWN -> true;
            default -> false;
        };
    }
}
