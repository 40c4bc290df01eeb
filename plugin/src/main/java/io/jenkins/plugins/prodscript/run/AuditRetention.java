package io.jenkins.plugins.prodscript.run;

import hudson.model.Run;
import hudson.security.ACL;
import hudson.security.ACLContext;
import java.io.IOException;

/**
 * Keeps a build whose run committed from build discarders: it and its approvals are the audit record of a change to
 * the target. As SYSTEM, because the plugin decides this, not the build's authentication (which may lack Run/Update);
 * an administrator can still release it with Run/Delete.
 */
final class AuditRetention {
    private AuditRetention() {
    }

    static void keep(Run<?, ?> build) throws IOException {
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            build.keepLog(true);
        }
    }
}
