package io.jenkins.plugins.prodscript.target;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.security.ACL;
import jenkins.model.Jenkins;

/**
 * Resolves a target's login from the Credentials plugin. The password is only ever copied into a
 * {@link DatabaseLogin}, which goes to the agent and is never stored.
 */
public final class TargetCredentials {
    private TargetCredentials() {
    }

    /**
     * The login for a build: looked up in the build's own context (so folder credentials and the credential's scope
     * apply as for any other build use) and recorded as used by the build.
     *
     * @throws AbortException when the credential does not exist or is not a username with password; nothing has
     *                        touched the database then
     */
    public static DatabaseLogin forBuild(Run<?, ?> build, TargetDatabase target) throws AbortException {
        String id = target.getCredentialsId();
        StandardUsernamePasswordCredentials credential = id == null || id.isBlank() ? null
                : CredentialsProvider.findCredentialById(id, StandardUsernamePasswordCredentials.class, build);
        if (credential == null) {
            throw new AbortException("Target '" + target.getName() + "': the credential '" + id + "' does not exist, is"
                    + " not a Username with password credential, or is not available to this build. Nothing was run.");
        }
        CredentialsProvider.track(build, credential);
        return new DatabaseLogin(credential.getUsername(), credential.getPassword());
    }

    /**
     * The login as the controller sees it in its global credentials, for checking a target's configuration ("Test
     * connection"); null when there is no such username/password credential.
     */
    static @CheckForNull DatabaseLogin onController(String credentialsId) {
        if (credentialsId == null || credentialsId.isBlank()) {
            return null;
        }
        StandardUsernamePasswordCredentials credential = CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(StandardUsernamePasswordCredentials.class, Jenkins.get(),
                        ACL.SYSTEM2),
                CredentialsMatchers.withId(credentialsId));
        return credential == null ? null : new DatabaseLogin(credential.getUsername(), credential.getPassword());
    }
}
