package io.prodscript.engine.execution;

import io.prodscript.engine.ledger.Ledger;
import io.prodscript.engine.ledger.LedgerEntry;
import io.prodscript.engine.report.Json;
import java.time.Instant;
import java.util.Locale;

/** Translates runs into ledger rows, so the ledger needs to know nothing about execution. */
final class LedgerRecords {
    private LedgerRecords() {
    }

    static LedgerEntry started(RunRequest request, Instant startedAt) {
        return new LedgerEntry(request.runId(), request.plan().scriptPath(), request.plan().checksum(), request.commit(),
                request.target().name(), request.requestedBy(), name(request.mode()), "running", request.force(), startedAt,
                null, 0, null, request.revertsRunId());
    }

    static LedgerEntry of(RunRequest request, RunResult result) {
        return new LedgerEntry(request.runId(), request.plan().scriptPath(), request.plan().checksum(), request.commit(),
                request.target().name(), request.requestedBy(), name(request.mode()), name(result.status()), request.force(),
                result.startedAt(), result.finishedAt(), rowsKept(result),
                result.failure() == null ? null : result.failure().describe(), request.revertsRunId());
    }

    /** A failed or cancelled run changed nothing, whatever its statements did before the rollback. */
    private static long rowsKept(RunResult result) {
        return result.status() == RunStatus.FAILED || result.status() == RunStatus.CANCELLED ? 0 : result.rowsChanged();
    }

    static void finish(Ledger ledger, RunRequest request, RunResult result) {
        ledger.recordFinish(of(request, result), Json.line(result.statements()));
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
