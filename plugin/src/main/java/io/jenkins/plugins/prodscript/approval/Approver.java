package io.jenkins.plugins.prodscript.approval;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.User;
import hudson.security.SecurityRealm;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/** The person making a decision over HTTP: id, name, and the groups they belong to right now. */
final class Approver {
    private final String id;
    private final String displayName;
    private final List<String> groups;

    Approver(String id, String displayName, List<String> groups) {
        this.id = id;
        this.displayName = displayName;
        this.groups = List.copyOf(groups);
    }

    /**
     * The signed-in user of the current request, or null when anonymous.
     *
     * <p>Groups come from the request's authentication, which the security realm filled in for a browser session
     * and an API token alike; {@code User#getAuthorities()} would not do, as it answers only to administrators.
     */
    static @CheckForNull Approver current() {
        User user = User.current();
        if (user == null) {
            return null;
        }
        Authentication authentication = Jenkins.getAuthentication2();
        List<String> groups = new ArrayList<>();
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            String name = authority.getAuthority();
            // "authenticated" is granted to everyone signed in; it is not a group anyone was made a member of.
            if (name != null && !name.equals(SecurityRealm.AUTHENTICATED_AUTHORITY2.getAuthority())
                    && !name.equals(authentication.getName())) {
                groups.add(name);
            }
        }
        return new Approver(user.getId(), user.getFullName(), groups);
    }

    String getId() {
        return id;
    }

    String getDisplayName() {
        return displayName;
    }

    List<String> getGroups() {
        return groups;
    }
}
