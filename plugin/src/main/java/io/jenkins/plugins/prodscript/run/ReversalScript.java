package io.jenkins.plugins.prodscript.run;

import hudson.AbortException;
import hudson.FilePath;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.prodscript.target.DatabaseLogin;
import io.jenkins.plugins.prodscript.target.TargetSettings;
import io.prodscript.engine.Refusal;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.script.Script;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.regex.Pattern;
import jenkins.MasterToSlaveFileCallable;

/**
 * The script a revert runs: the engine generates the reversal of a committed run from the target's ledger and rescue
 * tables (or takes the script's own {@code @revert} section). It is written next to the workspace so that from then on
 * it is read, checksummed, rehearsed, approved and run exactly like any script, and a changed reversal voids approvals.
 */
final class ReversalScript extends MasterToSlaveFileCallable<String> {
    private static final long serialVersionUID = 1L;
    /** Run ids are UUIDs; anything else is refused before it reaches the database. */
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final TargetSettings target;
    private final DatabaseLogin login;
    private final String revertRunId;
    private final boolean suppressTriggers;

    private ReversalScript(TargetSettings target, DatabaseLogin login, String revertRunId, boolean suppressTriggers) {
        this.target = target;
        this.login = login;
        this.revertRunId = revertRunId;
        this.suppressTriggers = suppressTriggers;
    }

    /**
     * Generates the reversal of run {@code revertRunId} on the agent and stores it in {@code folder}; with
     * {@code suppressTriggers} it declares {@code @triggers-suppressed} and runs with the target's triggers off.
     *
     * @throws AbortException when the run cannot be reversed (unknown, not committed, already reverted, rescue tables
     *                        expired...), with the engine's reason; nothing was changed
     */
    static ScriptLocation stage(FilePath folder, TargetSettings target, DatabaseLogin login, String revertRunId,
                                boolean suppressTriggers) throws IOException, InterruptedException {
        if (!RUN_ID.matcher(revertRunId).matches()) {
            throw new AbortException("'" + revertRunId + "' is not a run id. Nothing was run.");
        }
        folder.mkdirs();
        return new ScriptLocation(folder, folder.act(new ReversalScript(target, login, revertRunId, suppressTriggers)));
    }

    @Override
    public String invoke(File folder, VirtualChannel channel) throws IOException {
        Script reversal;
        try {
            reversal = ScriptEngine.create().reversalScript(target.toDatabaseTarget(), login.toCredentials(), revertRunId,
                    suppressTriggers);
        } catch (Refusal refusal) {
            throw new AbortException("Run " + revertRunId + " cannot be reversed: " + refusal.getMessage() + ". Nothing was run.");
        } catch (SQLException e) {
            throw new IOException("Could not read run " + revertRunId + " from the ledger of " + target.getName() + ": "
                    + e.getMessage());
        }
        Files.writeString(new File(folder, reversal.path()).toPath(), reversal.text(), StandardCharsets.UTF_8);
        return reversal.path();
    }
}
