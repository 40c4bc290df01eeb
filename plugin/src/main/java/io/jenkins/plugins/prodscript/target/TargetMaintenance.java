package io.jenkins.plugins.prodscript.target;

import hudson.ExtensionPoint;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

/** Maintenance an administrator can run on one target from its settings (rescue retention is one). */
public interface TargetMaintenance extends ExtensionPoint {
    /**
     * Runs it now on {@code target} and says what it did, one line each.
     *
     * @param who the administrator, as the target's ledger should name them
     */
    List<String> runNow(TargetDatabase target, String who) throws IOException, SQLException;
}
