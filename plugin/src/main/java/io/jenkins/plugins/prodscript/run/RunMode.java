package io.jenkins.plugins.prodscript.run;

import hudson.AbortException;
import java.util.Locale;

/** What a build asks for: rehearse only, run the script, or run the reversal of an earlier run. */
public enum RunMode {
    /** Run exactly as a real run would, then roll back. Needs no approval. */
    REHEARSE,
    /** Rehearse, wait for approvals, then run and commit. */
    RUN,
    /** Rehearse the reversal of an earlier committed run, wait for approvals, then run it. */
    REVERT;

    /** Parses {@code rehearse}, {@code run} or {@code revert}, in any case. */
    public static RunMode parse(String value) throws AbortException {
        if (value != null) {
            for (RunMode mode : values()) {
                if (mode.id().equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
        }
        throw new AbortException("Unknown mode '" + value + "': use rehearse, run or revert. Nothing was run.");
    }

    /** The lower-case name used in parameters, the Pipeline step, approvals and the audit record. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the mode commits changes, and so needs a requester and approvals. */
    public boolean changesData() {
        return this != REHEARSE;
    }
}
