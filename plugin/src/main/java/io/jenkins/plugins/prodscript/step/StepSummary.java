package io.jenkins.plugins.prodscript.step;

import io.jenkins.plugins.prodscript.audit.ArtifactNames;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.StatementRows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code runScript} returns to the Pipeline: the build's audit record as a map of plain values (strings, numbers,
 * lists, maps), which the Pipeline can keep in its program state and scripts can read without extra approvals.
 */
final class StepSummary {
    private StepSummary() {
    }

    static Map<String, Object> of(ScriptRunAction record) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("runId", record.getRunId());
        summary.put("rehearsalRunId", record.getRehearsalRunId());
        summary.put("scriptPath", record.getScriptPath());
        summary.put("checksum", record.getChecksum());
        summary.put("commit", record.getCommit());
        summary.put("target", record.getTargetName());
        summary.put("mode", record.getMode());
        summary.put("status", record.getStatus().name());
        summary.put("rowsChanged", record.getRowsChanged());
        summary.put("statements", rows(record.getStatements()));
        summary.put("rowsWouldChange", record.getRowsWouldChange());
        summary.put("rehearsalStatements", rows(record.getRehearsalStatements()));
        summary.put("manifest", record.hasArtifact(ArtifactNames.MANIFEST) ? record.artifactPath(ArtifactNames.MANIFEST) : null);
        summary.put("artifacts", new ArrayList<>(record.getArtifacts()));
        return summary;
    }

    private static List<Map<String, Object>> rows(List<StatementRows> statements) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StatementRows statement : statements) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("number", statement.getNumber());
            row.put("line", statement.getLine());
            row.put("kind", statement.getKind());
            row.put("tables", new ArrayList<>(statement.getTables()));
            row.put("rows", statement.getRows());
            rows.add(row);
        }
        return rows;
    }
}
