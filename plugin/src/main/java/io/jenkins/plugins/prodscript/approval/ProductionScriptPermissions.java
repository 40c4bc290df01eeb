package io.jenkins.plugins.prodscript.approval;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.security.Permission;
import hudson.security.PermissionGroup;
import hudson.security.PermissionScope;
import java.util.Objects;
import jenkins.model.Jenkins;

/**
 * The permissions to approve or reject production scripts and to rehearse on production, in their own group so the authorization matrix shows it apart
 * from the job permissions.
 *
 * <p>Deliberately not implied by Job/Build: starting a run and approving it are separate duties. Only Overall/Administer
 * implies it, as every permission must be. Scoped to items, so it can be granted per job or folder.
 */
public final class ProductionScriptPermissions {
    public static final PermissionGroup GROUP =
            new PermissionGroup(ProductionScriptPermissions.class, Messages._ProductionScriptPermissions_Group());

    public static final Permission APPROVE = new Permission(GROUP, "Approve",
            Messages._ProductionScriptPermissions_Approve_Description(), Jenkins.ADMINISTER, PermissionScope.ITEM);

    /**
     * Rehearsing on a production-tier database: a rehearsal is rolled back, but it takes real locks for up to the
     * statement timeout, runs functions, and its server messages may carry row values into the build log. Not implied by
     * Job/Build; a target's "Rehearse on" option sends its rehearsals to a staging target instead, which needs no such
     * permission.
     */
    public static final Permission REHEARSE_ON_PRODUCTION = new Permission(GROUP, "RehearseOnProduction",
            Messages._ProductionScriptPermissions_RehearseOnProduction_Description(), Jenkins.ADMINISTER,
            PermissionScope.ITEM);

    private ProductionScriptPermissions() {
    }

    /**
     * Loads this class before the security configuration is read; otherwise a saved grant of
     * {@code io.jenkins.plugins.prodscript.approval.ProductionScriptPermissions.Approve} could be dropped as unknown.
     */
    @SuppressFBWarnings(value = "RV_RETURN_VALUE_IGNORED_NO_SIDE_EFFECT",
            justification = "the call exists to initialize the class; its result is not needed")
    @Initializer(before = InitMilestone.SYSTEM_CONFIG_LOADED)
    public static void register() {
        Objects.hash(GROUP, APPROVE, REHEARSE_ON_PRODUCTION);
    }
}
