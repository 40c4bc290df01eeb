package io.jenkins.plugins.prodscript.target;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Run;
import hudson.security.ACL;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * Resolves a target's login. Only SYSTEM-scoped credentials of the controller's own store count: the Credentials plugin
 * offers those to the controller itself and never to a job, so no Pipeline can bind the login with
 * {@code withCredentials} and no job can pick it by id; it reaches a build only through this class, after
 * {@link TargetAccess} admitted the build. The password is only ever copied into a {@link DatabaseLogin}, which goes to
 * the agent and is never stored.
 */
public final class TargetCredentials {
    private TargetCredentials() {
    }

    /**
     * The login for a build the target admits, recorded as used by the build.
     *
     * @throws AbortException when the target refuses the build, or the credential does not exist, is not a username
     *                        with password or is not SYSTEM-scoped; nothing has touched the database then
     */
    public static DatabaseLogin forBuild(Run<?, ?> build, FilePath workspace, ScriptCaller caller, TargetDatabase target)
            throws AbortException {
        TargetAccess.check(build, workspace, caller, target);
        return login(target.getCredentialsId(), build, "Target '" + target.getName() + "': the credential '"
                + target.getCredentialsId() + "' does not exist, is not a Username with password credential, or is not"
                + " of System scope in the global credentials. Nothing was run.");
    }

    /**
     * The login for reading a target's ledger from the controller about a run a build already made (its outcome after an
     * abort or a restart), recorded as used by the build. No access check: the build was admitted when it ran, and
     * the controller only reads.
     *
     * @throws AbortException when the credential is gone
     */
    public static DatabaseLogin forLedgerReading(Run<?, ?> build, TargetDatabase target) throws AbortException {
        return login(target.getCredentialsId(), build, "Target '" + target.getName() + "': the credential '"
                + target.getCredentialsId() + "' is gone; the run's outcome cannot be read from the target's ledger.");
    }

    /**
     * The login for the controller's own maintenance of a target (rescue retention): no build is involved.
     *
     * @throws AbortException when the credential is missing, of another kind or not System-scoped
     */
    public static DatabaseLogin forMaintenance(TargetDatabase target) throws AbortException {
        return login(target.getCredentialsId(), null, "the credential '" + target.getCredentialsId() + "' does not"
                + " exist, is not a Username with password credential, or is not of System scope in the global credentials");
    }

    /**
     * The owner's login for installing or upgrading a target's ledger (<em>Prepare target</em>), looked up as the
     * runner's is: System scope, the controller's global credentials. Never given to a build.
     *
     * @throws AbortException when the target names no owner credential, or it is missing, of another kind or not
     *                        System-scoped
     */
    public static DatabaseLogin forInstallation(TargetDatabase target) throws AbortException {
        if (target.getOwnerCredentialsId().isEmpty()) {
            throw new AbortException("Target '" + target.getName() + "' has no owner credential: choose the login of a"
                    + " database owner under 'Owner credentials (Prepare target)', or install the ledger with"
                    + " 'prodscript install'. The runner's own login is never used for installing.");
        }
        return login(target.getOwnerCredentialsId(), null, "Target '" + target.getName() + "': the owner credential '"
                + target.getOwnerCredentialsId() + "' does not exist, is not a Username with password credential,"
                + " or is not of System scope in the global credentials.");
    }

    /**
     * The login of credential {@code credentialsId}, recorded as used by {@code build} when one uses it.
     *
     * @throws AbortException saying {@code whenMissing} when there is no such System-scoped username with password
     */
    private static DatabaseLogin login(String credentialsId, @CheckForNull Run<?, ?> build, String whenMissing)
            throws AbortException {
        StandardUsernamePasswordCredentials credential = systemCredential(credentialsId);
        if (credential == null) {
            throw new AbortException(whenMissing);
        }
        if (build != null) {
            CredentialsProvider.track(build, credential);
        }
        return new DatabaseLogin(credential.getUsername(), credential.getPassword());
    }

    /** The login as builds get it, for checking a target's configuration ("Test connection"); null when there is none. */
    static @CheckForNull DatabaseLogin onController(String credentialsId) {
        StandardUsernamePasswordCredentials credential = systemCredential(credentialsId);
        return credential == null ? null : new DatabaseLogin(credential.getUsername(), credential.getPassword());
    }

    /** The password of a target's login, for masking it in build logs; null when there is none. */
    static @CheckForNull String passwordOf(TargetDatabase target) {
        StandardUsernamePasswordCredentials credential = systemCredential(target.getCredentialsId());
        return credential == null ? null : credential.getPassword().getPlainText();
    }

    /**
     * The SYSTEM-scoped username/password credential with this id in the controller's global credentials. Looked up
     * as SYSTEM in Jenkins itself, the one context where the System credentials provider returns SYSTEM scope.
     */
    private static @CheckForNull StandardUsernamePasswordCredentials systemCredential(String credentialsId) {
        if (credentialsId == null || credentialsId.isBlank()) {
            return null;
        }
        return CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(StandardUsernamePasswordCredentials.class, Jenkins.get(),
                        ACL.SYSTEM2, List.of()),
                CredentialsMatchers.allOf(CredentialsMatchers.withId(credentialsId),
                        CredentialsMatchers.withScope(CredentialsScope.SYSTEM)));
    }
}
