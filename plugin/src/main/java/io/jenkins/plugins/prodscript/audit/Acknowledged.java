package io.jenkins.plugins.prodscript.audit;

import java.io.Serializable;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * A database object a script names on purpose with the author's reason, as approvers read it: a trigger its writes
 * fire ({@code @triggers-fire}) or a function it was reviewed to call ({@code @functions-reviewed}). A plain value (no
 * engine type) so {@code build.xml} and remoting accept it.
 */
@ExportedBean(defaultVisibility = 3)
public final class Acknowledged implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String object;
    private final String reason;

    /**
     * @param object what it is, e.g. {@code public.orders: orders_audit (AFTER UPDATE FOR EACH ROW)} or {@code normalize_email}
     * @param reason the script's reason
     */
    public Acknowledged(String object, String reason) {
        this.object = object;
        this.reason = reason;
    }

    @Exported
    public String getObject() {
        return object;
    }

    @Exported
    public String getReason() {
        return reason;
    }
}
