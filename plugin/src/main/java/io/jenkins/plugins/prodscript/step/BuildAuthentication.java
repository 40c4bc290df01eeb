package io.jenkins.plugins.prodscript.step;

import hudson.model.Queue;
import hudson.model.Run;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import org.springframework.security.core.Authentication;

/**
 * Who a build runs as (SYSTEM unless an authorization plugin says otherwise). The steps' work runs as the build,
 * whoever's thread hands it over (an approver's request, the expiry timer, a resume), so credentials and permissions
 * are looked up exactly as for the build's other steps.
 */
final class BuildAuthentication {
    private BuildAuthentication() {
    }

    static Authentication of(Run<?, ?> build) {
        Object job = build.getParent();
        return job instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2;
    }
}
