package io.jenkins.plugins.prodscript.run;

import io.jenkins.plugins.prodscript.approval.ApprovalJudge;
import io.jenkins.plugins.prodscript.approval.ApprovalRecord;
import io.jenkins.plugins.prodscript.approval.ApprovalRequest;
import io.jenkins.plugins.prodscript.target.DatabaseLogin;
import io.jenkins.plugins.prodscript.target.TargetSettings;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.approval.ApprovalLedger;
import io.prodscript.engine.approval.ApprovalSubject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import jenkins.security.MasterToSlaveCallable;

/**
 * Writes a run's approval decisions into the target's approval ledger ({@code script_runner.approvals}) from the agent,
 * where the database is reachable: whoever audits the database sees who approved or rejected what, against which
 * checksum, without Jenkins. Only plugin value classes travel; the engine's values are made on the agent.
 */
final class RecordApprovals extends MasterToSlaveCallable<Integer, IOException> {
    private static final long serialVersionUID = 1L;

    private final TargetSettings target;
    private final DatabaseLogin login;
    private final ApprovalRequest request;
    private final ArrayList<ApprovalRecord> decisions;

    RecordApprovals(TargetSettings target, DatabaseLogin login, ApprovalRequest request, List<ApprovalRecord> decisions) {
        this.target = target;
        this.login = login;
        this.request = request;
        this.decisions = new ArrayList<>(decisions);
    }

    @Override
    public Integer call() throws IOException {
        ApprovalLedger ledger = ScriptEngine.create().approvalLedger(target.toDatabaseTarget(), login.toCredentials());
        ApprovalSubject subject = ApprovalJudge.subjectOf(request);
        try {
            for (ApprovalRecord decision : decisions) {
                ledger.record(request.getRunId(), subject, ApprovalJudge.decisionOf(decision), decision.isCounted(),
                        decision.getNote());
            }
        } catch (RuntimeException e) {
            throw new IOException("Could not write the approvals into the ledger of target " + target.getName() + ": "
                    + rootMessage(e));
        }
        return decisions.size();
    }

    /** The database's own message; JDBI's wrappers add the SQL text, which helps nobody here. */
    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
