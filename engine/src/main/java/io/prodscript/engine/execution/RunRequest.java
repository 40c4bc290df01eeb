package io.prodscript.engine.execution;

import io.prodscript.engine.plan.Plan;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything a run needs: what to run, where, as whom, and on whose behalf.
 *
 * @param plan         the planned script
 * @param target       the database
 * @param credentials  the login for the database
 * @param mode         rehearse (always rolled back) or run (commits)
 * @param requestedBy  the person who asked for the run, as recorded in the ledger
 * @param commit       the source commit the script was read from, or null
 * @param runId        a unique id for this run (generated when not given)
 * @param force        apply even though the ledger says this exact script was already applied
 * @param revertsRunId when this run is the reversal of another run, that run's id; otherwise null
 */
public record RunRequest(Plan plan, DatabaseTarget target, Credentials credentials, Mode mode, String requestedBy,
                         String commit, String runId, boolean force, String revertsRunId) {
    public RunRequest {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(mode, "mode");
        requestedBy = requestedBy == null || requestedBy.isBlank() ? "unknown" : requestedBy;
        runId = runId == null || runId.isBlank() ? UUID.randomUUID().toString() : runId;
    }

    /** A request with a generated run id, no commit, not forced and not a reversal. */
    public static RunRequest of(Plan plan, DatabaseTarget target, Credentials credentials, Mode mode, String requestedBy) {
        return new RunRequest(plan, target, credentials, mode, requestedBy, null, null, false, null);
    }

    public RunRequest withCommit(String value) {
        return new RunRequest(plan, target, credentials, mode, requestedBy, value, runId, force, revertsRunId);
    }

    public RunRequest withRunId(String value) {
        return new RunRequest(plan, target, credentials, mode, requestedBy, commit, value, force, revertsRunId);
    }

    public RunRequest withForce(boolean value) {
        return new RunRequest(plan, target, credentials, mode, requestedBy, commit, runId, value, revertsRunId);
    }

    public RunRequest withRevertsRunId(String value) {
        return new RunRequest(plan, target, credentials, mode, requestedBy, commit, runId, force, value);
    }

    @Override
    public String toString() {
        return "RunRequest[" + mode + " " + plan.scriptPath() + " on " + target.name() + ", run " + runId + "]";
    }
}
