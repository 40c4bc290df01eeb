package io.jenkins.plugins.prodscript.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.User;
import io.jenkins.plugins.prodscript.approval.ProductionScriptPermissions;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import io.jenkins.plugins.prodscript.target.TargetDatabase;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Where a target's rehearsals run, and who may rehearse on production. A target with a "Rehearse on" target rehearses
 * there (except a revert's, which needs the target's own rescue tables); otherwise on itself, which for a production-tier target needs the requester to hold
 * {@link ProductionScriptPermissions#REHEARSE_ON_PRODUCTION} on the job: Job/Build alone is not enough.
 */
final class RehearsalTarget {
    private RehearsalTarget() {
    }

    /**
     * The target the rehearsal of a run on {@code target} uses, once the requester was found allowed to rehearse there.
     *
     * @throws AbortException when the "Rehearse on" target is gone, or the rehearsal would touch production and the
     *                        requester may not rehearse there; nothing has touched any database then
     */
    static TargetDatabase choose(Run<?, ?> build, TargetDatabase target, RunMode mode, @CheckForNull String requester)
            throws AbortException {
        // A reversal reads the rescue tables of the target itself, which exist nowhere else.
        TargetDatabase rehearsedOn = target.getRehearseOn().isEmpty() || mode == RunMode.REVERT
                ? target : ProductionScriptTargets.get().require(target.getRehearseOn());
        if (rehearsedOn.isProduction() && !mayRehearseOnProduction(build, requester)) {
            throw new AbortException("Rehearsing on the production target '" + rehearsedOn.getName() + "' needs the"
                    + " permission Production scripts/Rehearse on production on this job"
                    + (requester == null ? ", and a signed-in user to start the build" : " for " + requester)
                    + ". An administrator can grant it, or give the target a staging target to rehearse on."
                    + " Nothing was run.");
        }
        return rehearsedOn;
    }

    /** Whether the user who started the build holds the permission on its job (builds themselves run as SYSTEM). */
    private static boolean mayRehearseOnProduction(Run<?, ?> build, @CheckForNull String requester) {
        if (requester == null) {
            return false;
        }
        // Created if Jenkins has no record of the user yet (a build started through the API by a realm user): the
        // security realm, not that record, decides below whether the user exists and what they may do.
        User user = User.getById(requester, true);
        try {
            Authentication authentication = user.impersonate2();
            return build.getParent().hasPermission2(authentication, ProductionScriptPermissions.REHEARSE_ON_PRODUCTION);
        } catch (AuthenticationException e) {
            // The security realm no longer knows the user (UsernameNotFoundException is one): no permission to assume.
            return false;
        }
    }
}
