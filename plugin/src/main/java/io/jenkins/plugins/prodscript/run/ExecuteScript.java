package io.jenkins.plugins.prodscript.run;

import hudson.AbortException;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.prodscript.target.DatabaseLogin;
import io.jenkins.plugins.prodscript.target.TargetSettings;
import io.prodscript.engine.Refusal;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Execution;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.plan.Plan;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import jenkins.MasterToSlaveFileCallable;

/**
 * Rehearses or runs a script on the agent that has the checkout. It reads the script again and refuses to go on when
 * its checksum differs from the one expected: a script changed after it was planned, rehearsed or approved is a
 * different script, and approvals of the old one do not cover it.
 */
final class ExecuteScript extends MasterToSlaveFileCallable<ExecutionReport> {
    private static final long serialVersionUID = 1L;

    private final String scriptPath;
    private final String expectedChecksum;
    private final TargetSettings target;
    private final DatabaseLogin login;
    /** A {@link Mode} name: engine types, enums included, stay out of remoting. */
    private final String mode;
    private final String requestedBy;
    private final String commit;
    private final String runId;
    private final String revertsRunId;
    private final String eventsFile;
    private final TaskListener listener;

    @SuppressWarnings("checkstyle:ParameterNumber") // everything the engine's request needs, as plain values
    ExecuteScript(String scriptPath, String expectedChecksum, TargetSettings target, DatabaseLogin login, Mode mode,
                  String requestedBy, String commit, String runId, String revertsRunId, String eventsFile,
                  TaskListener listener) {
        this.scriptPath = scriptPath;
        this.expectedChecksum = expectedChecksum;
        this.target = target;
        this.login = login;
        this.mode = mode.name();
        this.requestedBy = requestedBy;
        this.commit = commit;
        this.runId = runId;
        this.revertsRunId = revertsRunId;
        this.eventsFile = eventsFile;
        this.listener = listener;
    }

    @Override
    public ExecutionReport invoke(File root, VirtualChannel channel) throws IOException {
        Mode engineMode = Mode.valueOf(mode);
        Plan plan = PlanScript.plan(root, scriptPath);
        if (!plan.checksum().equals(expectedChecksum)) {
            throw new AbortException("The script " + scriptPath + " changed: it is now sha256 " + plan.checksum()
                    + ", but sha256 " + expectedChecksum + " was " + (engineMode == Mode.RUN ? "approved" : "planned")
                    + ". Approvals of the old script do not cover it. Nothing was run.");
        }
        RunRequest request = RunRequest.of(plan, target.toDatabaseTarget(), login.toCredentials(), engineMode, requestedBy)
                .withCommit(commit)
                .withRunId(runId)
                .withRevertsRunId(revertsRunId);
        ScriptEngine engine = ScriptEngine.create();
        try (EventSink sink = EventSink.open(Path.of(eventsFile), listener.getLogger())) {
            Execution execution = engine.prepare(request, sink);
            sink.onLostConsole(execution::cancel);
            RunResult result = CancellableRun.run(execution, listener.getLogger());
            if (result.status() != RunStatus.COMMITTED) {
                return ExecutionReport.of(result, sink.summary(), null, null, sink.problem());
            }
            return committed(engine, request, result, sink);
        }
    }

    /**
     * A committed run's way back, read from the target while the login is at hand: the rescue manifest and the
     * reversal script. Neither can undo the commit, so trouble here is reported, not thrown.
     */
    private ExecutionReport committed(ScriptEngine engine, RunRequest request, RunResult result, EventSink sink) {
        String manifest = null;
        String reversal = null;
        List<String> problems = new ArrayList<>();
        if (sink.problem() != null) {
            problems.add(sink.problem());
        }
        try {
            manifest = engine.manifest(request.target(), request.credentials(), runId).orElse(null);
        } catch (SQLException | RuntimeException e) {
            problems.add("the rescue manifest could not be read: " + e.getMessage());
        }
        try {
            reversal = engine.reversalScript(request.target(), request.credentials(), runId).text();
        } catch (Refusal e) {
            listener.getLogger().println("No reversal script: " + e.getMessage());
        } catch (SQLException | RuntimeException e) {
            problems.add("the reversal script could not be generated: " + e.getMessage());
        }
        return ExecutionReport.of(result, sink.summary(), manifest, reversal,
                problems.isEmpty() ? null : String.join("; ", problems));
    }
}
