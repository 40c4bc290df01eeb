package io.jenkins.plugins.prodscript.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.prodscript.audit.Acknowledged;
import io.jenkins.plugins.prodscript.audit.RescueTable;
import io.jenkins.plugins.prodscript.audit.StatementRows;
import io.jenkins.plugins.prodscript.audit.TableRows;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.execution.StatementResult;
import io.prodscript.engine.report.Json;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of a rehearsal or run as it comes back from the agent: the facts the build records, plus the engine's
 * result as JSON for the artifacts. Built on the agent from the engine's result, because engine types cannot cross
 * remoting.
 */
public final class ExecutionReport implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String runId;
    private final String status;
    private final String failure;
    private final long rowsChanged;
    private final ArrayList<StatementRows> statements;
    private final ArrayList<String> summaryLines;
    private final String resultLine;
    private final String resultJson;
    private final String manifestJson;
    private final String reversalSql;
    private final ArrayList<RescueTable> rescueTables;
    private final ArrayList<Acknowledged> firingTriggers;
    private final ArrayList<TableRows> tableRows;
    private final String problem;

    @SuppressWarnings("checkstyle:ParameterNumber") // one reported fact each
    private ExecutionReport(String runId, String status, String failure, long rowsChanged, List<StatementRows> statements,
                            List<String> summaryLines, String resultLine, String resultJson, String manifestJson,
                            String reversalSql, List<RescueTable> rescueTables, List<Acknowledged> firingTriggers,
                            List<TableRows> tableRows, String problem) {
        this.runId = runId;
        this.status = status;
        this.failure = failure;
        this.rowsChanged = rowsChanged;
        this.statements = new ArrayList<>(statements);
        this.summaryLines = new ArrayList<>(summaryLines);
        this.resultLine = resultLine;
        this.resultJson = resultJson;
        this.manifestJson = manifestJson;
        this.reversalSql = reversalSql;
        this.rescueTables = new ArrayList<>(rescueTables);
        this.firingTriggers = new ArrayList<>(firingTriggers);
        this.tableRows = new ArrayList<>(tableRows);
        this.problem = problem;
    }

    /**
     * Reads the engine's result; call it where the engine ran.
     *
     * @param summaryLines the events worth showing approvers, as the log printed them
     * @param manifestJson the rescue manifest of a committed run, or null
     * @param reversalSql  the reversal script of a committed run, or null when it cannot be reversed
     * @param problem      what could not be recorded (event log, manifest, reversal), or null
     */
    static ExecutionReport of(RunResult result, List<String> summaryLines, @CheckForNull String manifestJson,
                              @CheckForNull String reversalSql, @CheckForNull String problem) {
        List<StatementRows> rows = new ArrayList<>();
        for (StatementResult statement : result.statements()) {
            rows.add(new StatementRows(statement.number(), statement.line(), statement.kind().name(), statement.tables(),
                    statement.rows()));
        }
        List<RescueTable> rescueTables = new ArrayList<>();
        List<TableRows> tableRows = new ArrayList<>();
        RunResult.Rescue rescue = result.rescue();
        if (rescue != null) {
            String expiresAt = rescue.expiresAt() == null ? null : rescue.expiresAt().toString();
            for (RunResult.RescueCapture capture : rescue.captures()) {
                tableRows.add(new TableRows(capture.statement(), capture.table(), capture.rowsCaptured(), capture.reachedThrough()));
                if (result.status() == RunStatus.COMMITTED) {
                    rescueTables.add(new RescueTable(capture.rescueTable(), expiresAt));
                }
            }
        }
        List<Acknowledged> triggers = result.triggers().stream()
                .map(trigger -> new Acknowledged(trigger.describe(), trigger.reason())).toList();
        return new ExecutionReport(result.runId(), result.status().name(),
                result.failure() == null ? null : result.failure().describe(), result.rowsChanged(), rows, summaryLines,
                Json.line(result), Json.pretty(result), manifestJson, reversalSql, rescueTables, triggers, tableRows, problem);
    }

    public String getRunId() {
        return runId;
    }

    /** The engine's status: COMMITTED, REHEARSED, FAILED, CANCELLED, REFUSED or UNKNOWN. */
    public String getStatus() {
        return status;
    }

    public boolean succeeded() {
        return RunStatus.COMMITTED.name().equals(status) || RunStatus.REHEARSED.name().equals(status);
    }

    public boolean committed() {
        return RunStatus.COMMITTED.name().equals(status);
    }

    /** Not started because the target's ledger forbade it (e.g. the script was already applied); nothing ran. */
    public boolean refused() {
        return RunStatus.REFUSED.name().equals(status);
    }

    public boolean cancelled() {
        return RunStatus.CANCELLED.name().equals(status);
    }

    /** COMMIT's answer was lost and the database could not be asked: the run may have committed. */
    public boolean outcomeUnknown() {
        return RunStatus.UNKNOWN.name().equals(status);
    }

    /** Why it did not succeed; null when it did. */
    public @CheckForNull String getFailure() {
        return failure;
    }

    public long getRowsChanged() {
        return rowsChanged;
    }

    public List<StatementRows> getStatements() {
        return List.copyOf(statements);
    }

    /** One line per statement, check and outcome, as the build log printed them. */
    public List<String> getSummaryLines() {
        return List.copyOf(summaryLines);
    }

    /** The engine's result as single-line JSON: what a rehearsal's digest is computed from. */
    public String getResultLine() {
        return resultLine;
    }

    /** The engine's result, pretty-printed. */
    public String getResultJson() {
        return resultJson;
    }

    /** SHA-256 of {@link #getResultLine()}. */
    public String digest() {
        return ReportDigest.sha256(resultLine);
    }

    /** The rescue manifest (JSON) of a committed run; null otherwise. */
    public @CheckForNull String getManifestJson() {
        return manifestJson;
    }

    /** The reversal script of a committed run; null when it has none. */
    public @CheckForNull String getReversalSql() {
        return reversalSql;
    }

    /** The rescue tables a committed run left, with their expiry. */
    public List<RescueTable> getRescueTables() {
        return List.copyOf(rescueTables);
    }

    /** The user triggers the script's writes fired, each with the script's {@code @triggers-fire} reason. */
    public List<Acknowledged> getFiringTriggers() {
        return List.copyOf(firingTriggers);
    }

    /** Rows per table each statement changed (a rehearsal: would change), cascaded tables included. */
    public List<TableRows> getTableRows() {
        return List.copyOf(tableRows);
    }

    /** What could not be recorded (the event log, the manifest, the reversal), or null. */
    public @CheckForNull String getProblem() {
        return problem;
    }

    /** One sentence for the build log and the audit record. */
    public String describe() {
        return status + (failure == null ? "" : ": " + failure) + " (" + rowsChanged + " row(s) changed)";
    }
}
