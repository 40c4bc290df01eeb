package io.prodscript.engine.execution;

/** How a run ended. */
public enum RunStatus {
    /** A run whose changes are committed. */
    COMMITTED,
    /** A rehearsal that succeeded and was rolled back, as every rehearsal is. */
    REHEARSED,
    /** A statement, expectation or assertion failed, or the database failed; everything was rolled back. */
    FAILED,
    /** Cancelled from outside (for example Jenkins' abort button); everything was rolled back. */
    CANCELLED,
    /** Not started: the ledger or another run forbade it. Nothing ran. */
    REFUSED,
    /**
     * COMMIT was sent but its answer was lost, and the database could not be asked how the run ended: it may have
     * committed. The failure names the run and the query that tells; never run the script again before checking.
     */
    UNKNOWN;

    /** Whether the run did what was asked. */
    public boolean succeeded() {
        return this == COMMITTED || this == REHEARSED;
    }
}
