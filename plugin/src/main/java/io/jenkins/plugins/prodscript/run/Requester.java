package io.jenkins.plugins.prodscript.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Cause;
import hudson.model.Run;

/**
 * Who asked for a build. Builds execute as SYSTEM, so the person is taken from the build's cause, never from the
 * thread's authentication.
 */
public final class Requester {
    private Requester() {
    }

    /** The user id of the user who started {@code run}, or null when no signed-in user did (timer, upstream...). */
    public static @CheckForNull String of(Run<?, ?> run) {
        Cause.UserIdCause cause = run.getCause(Cause.UserIdCause.class);
        // getUserId() is @CheckForNull: read it once, so the check covers the value that is used.
        String userId = cause == null ? null : cause.getUserId();
        return userId == null || userId.isBlank() ? null : userId;
    }
}
