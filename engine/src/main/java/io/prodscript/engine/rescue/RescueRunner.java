package io.prodscript.engine.rescue;

import io.prodscript.engine.execution.Failure;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunSession;
import io.prodscript.engine.execution.StatementRunner;
import io.prodscript.engine.plan.PlannedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * The statement runner of an engine with rescue: saves what each statement changes ({@link RunCapture}) and, when the
 * run is a reversal, guards it ({@link ReversalGuard}). One per run.
 */
public final class RescueRunner implements StatementRunner {
    private final RunRequest request;
    private final RunCapture capture;
    private final ReversalGuard guard;

    private RescueRunner(RunRequest request, RunCapture capture, ReversalGuard guard) {
        this.request = request;
        this.capture = capture;
        this.guard = guard;
    }

    /** A runner for one run. */
    public static StatementRunner create(RunRequest request, CaptureMethod method, Clock clock) {
        ReversalGuard guard = request.revertsRunId() == null ? null : new ReversalGuard(request.revertsRunId(), request.force());
        return new RescueRunner(request, new RunCapture(request, method, clock), guard);
    }

    @Override
    public Optional<Failure> refusalBeforeStatements(RunSession session) throws SQLException {
        Optional<String> reversed = ReversalScripts.reversedRunOf(request.plan().scriptPath());
        if (reversed.isPresent() && guard == null) {
            // Without the guard a reversal would neither check for conflicts nor mark the run reverted.
            return Optional.of(new Failure(null, null, request.plan().scriptPath()
                    + " is a reversal; run it as one (RunRequest.withRevertsRunId) so it is checked and recorded"));
        }
        if (guard != null) {
            Optional<Failure> refusal = guard.check(session);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return capture.prepare(session);
    }

    @Override
    public long run(PlannedStatement statement, RunSession session) throws SQLException {
        return capture.run(statement, session);
    }

    @Override
    public String sentTogether(PlannedStatement statement, RunSession session) {
        return capture.sentTogether(statement);
    }

    @Override
    public void ranTogether(PlannedStatement statement, long rows) {
        capture.ranTogether(statement, rows);
    }

    @Override
    public void beforeCommit(RunSession session) throws SQLException {
        capture.beforeCommit(session);
        if (guard != null) {
            guard.markReverted(session.handle());
        }
    }

    @Override
    public RunResult.Rescue rescue() {
        return capture.report();
    }
}
