package io.jenkins.plugins.prodscript.history;

import hudson.Launcher;
import hudson.model.AbstractBuild;
import hudson.model.BuildListener;
import io.jenkins.plugins.prodscript.audit.RescueTable;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import java.util.List;
import org.jvnet.hudson.test.TestBuilder;

/**
 * A build step that leaves the audit record a real script run would, without a database: the history and revert
 * pages only read that record.
 */
final class RecordScriptRun extends TestBuilder {
    static final String CHECKSUM = "ab".repeat(32);
    static final String RESCUE_EXPIRY = "2099-01-01T00:00:00Z";

    private final String runId;
    private final String scriptPath;
    private final String mode;
    private final String revertsRunId;
    private final ScriptRunStatus status;

    private RecordScriptRun(String runId, String scriptPath, String mode, String revertsRunId, ScriptRunStatus status) {
        this.runId = runId;
        this.scriptPath = scriptPath;
        this.mode = mode;
        this.revertsRunId = revertsRunId;
        this.status = status;
    }

    static RecordScriptRun run(String runId, String scriptPath, ScriptRunStatus status) {
        return new RecordScriptRun(runId, scriptPath, "run", null, status);
    }

    static RecordScriptRun revert(String runId, String revertsRunId) {
        return new RecordScriptRun(runId, "reversal of " + revertsRunId, "revert", revertsRunId, ScriptRunStatus.COMMITTED);
    }

    @Override
    public boolean perform(AbstractBuild<?, ?> build, Launcher launcher, BuildListener listener) {
        ScriptRunAction record = new ScriptRunAction(runId, "rehearsal-" + runId, scriptPath, "prod-main", "production",
                "jdbc:postgresql://db.example/prod", mode, revertsRunId, "alice", "c0ffee");
        record.setChecksum(CHECKSUM);
        record.setStatus(status, null);
        record.setRehearsalRows(12, List.of());
        if (status == ScriptRunStatus.COMMITTED) {
            record.setCommittedRows(12, List.of());
        }
        record.setRescueTables(List.of(new RescueTable("rescue.r_" + runId + "_accounts", RESCUE_EXPIRY)));
        build.addAction(record);
        return true;
    }
}
