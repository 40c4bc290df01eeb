package io.jenkins.plugins.prodscript.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.prodscript.audit.TableRows;
import io.prodscript.engine.containment.FiringTrigger;
import io.prodscript.engine.execution.Failure;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.execution.StatementResult;
import io.prodscript.engine.plan.StatementKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's result as the build keeps it: triggers with their reasons, rows per table with cascades, outcomes. */
class ExecutionReportTest {
    private static final Instant AT = Instant.parse("2026-06-01T10:00:00Z");

    private static RunResult rehearsal(RunStatus status, Failure failure) {
        RunResult.Rescue rescue = new RunResult.Rescue(null, "generated", AT.plusSeconds(3600), List.of(
                new RunResult.RescueCapture(1, 5, StatementKind.DELETE, "public.orders", "rescue.r1_orders", List.of("id"), 1, null),
                new RunResult.RescueCapture(1, 5, StatementKind.DELETE, "public.order_lines", "rescue.r1_c1_order_lines",
                        List.of("id"), 3, "order_lines_order_id_fkey ON DELETE CASCADE")));
        return new RunResult("run-1", Mode.REHEARSE, status, "fixes/close.sql", "abc", null, "prod-main", "alice", AT,
                AT.plusSeconds(1), List.of(new StatementResult(1, 5, StatementKind.DELETE, List.of("public.orders"), 1, 3)),
                List.of(), failure, List.of(), rescue,
                List.of(new FiringTrigger("public.orders", "orders_audit", "AFTER DELETE FOR EACH ROW", "audit rows, acceptable")));
    }

    @Test
    void triggersAndCascadedRowsReachTheRecord() {
        ExecutionReport report = ExecutionReport.of(rehearsal(RunStatus.REHEARSED, null), List.of(), null, null, null);

        assertEquals(1, report.getFiringTriggers().size());
        assertEquals("public.orders: orders_audit (AFTER DELETE FOR EACH ROW)", report.getFiringTriggers().get(0).getObject());
        assertEquals("audit rows, acceptable", report.getFiringTriggers().get(0).getReason());
        List<TableRows> tables = report.getTableRows();
        assertEquals(2, tables.size());
        assertFalse(tables.get(0).isCascaded());
        assertEquals("public.order_lines", tables.get(1).getTable());
        assertEquals(3, tables.get(1).getRows());
        assertEquals("order_lines_order_id_fkey ON DELETE CASCADE", tables.get(1).getReachedThrough());
        assertEquals(List.of(), report.getRescueTables(), "a rehearsal leaves no rescue tables");
    }

    @Test
    void aLostCommitAnswerIsReportedAsUnknownNeitherCommittedNorFailed() {
        ExecutionReport report = ExecutionReport.of(rehearsal(RunStatus.UNKNOWN,
                new Failure(null, null, "COMMIT was sent but its answer was lost")), List.of(), null, null, null);

        assertTrue(report.outcomeUnknown());
        assertFalse(report.committed());
        assertFalse(report.succeeded());
        assertFalse(report.refused() || report.cancelled());
        assertNull(report.getManifestJson());
        assertTrue(report.describe().startsWith("UNKNOWN: COMMIT was sent"), report.describe());
    }
}
