package io.jenkins.plugins.prodscript.approval;

import java.util.List;

/** Requests the approval tests wait on: alice asks to run a script on a production target; two approvals needed. */
final class ApprovalRequests {
    static final String CHECKSUM = "ab".repeat(32);

    private ApprovalRequests() {
    }

    static ApprovalRequest request(List<String> eligibleUsers, long maxWaitMillis) {
        return new ApprovalRequest("run-1", "fixes/accounts.sql", CHECKSUM, "c0ffee", "prod-main", "production", "run",
                "cd".repeat(32), "alice", List.of("#1 (line 4) UPDATE public.accounts: 12 row(s)"), 2, eligibleUsers,
                List.of(), maxWaitMillis);
    }
}
