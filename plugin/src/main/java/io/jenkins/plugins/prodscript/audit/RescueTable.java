package io.jenkins.plugins.prodscript.audit;

import java.io.Serializable;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** A table of saved rows a committed run left in the target's {@code rescue} schema, and when it may be dropped. */
@ExportedBean(defaultVisibility = 3)
public final class RescueTable implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String expiresAt;

    /**
     * @param name      the schema-qualified table name, e.g. {@code rescue.r_3f2a_accounts}
     * @param expiresAt when it expires, ISO-8601 UTC
     */
    public RescueTable(String name, String expiresAt) {
        this.name = name;
        this.expiresAt = expiresAt;
    }

    @Exported
    public String getName() {
        return name;
    }

    @Exported
    public String getExpiresAt() {
        return expiresAt;
    }
}
