package io.jenkins.plugins.prodscript.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.prodscript.audit.Acknowledged;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan of a script as it comes back from the agent, or the planner's refusal of it: plain values and the plan's
 * JSON, no engine type. A refused script still has a path and a checksum, since its bytes were read.
 */
public final class PlannedScript implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String scriptPath;
    private final String checksum;
    private final int statementCount;
    private final String planJson;
    private final String scriptText;
    private final String refusal;
    private final ArrayList<Acknowledged> reviewedFunctions;

    private PlannedScript(String scriptPath, String checksum, String scriptText, int statementCount, String planJson,
                          String refusal, List<Acknowledged> reviewedFunctions) {
        this.scriptPath = scriptPath;
        this.scriptText = scriptText;
        this.checksum = checksum;
        this.statementCount = statementCount;
        this.planJson = planJson;
        this.refusal = refusal;
        this.reviewedFunctions = new ArrayList<>(reviewedFunctions);
    }

    static PlannedScript planned(String scriptPath, String checksum, String scriptText, int statementCount,
                                 String planJson, List<Acknowledged> reviewedFunctions) {
        return new PlannedScript(scriptPath, checksum, scriptText, statementCount, planJson, null, reviewedFunctions);
    }

    static PlannedScript refused(String scriptPath, String checksum, String scriptText, String refusal) {
        return new PlannedScript(scriptPath, checksum, scriptText, 0, null, refusal, List.of());
    }

    /** The script's text as read (UTF-8); its bytes are what the checksum covers. */
    public String getScriptText() {
        return scriptText;
    }

    /** Why the planner refused the script, or null when it was planned. */
    public @CheckForNull String getRefusal() {
        return refusal;
    }

    public String getScriptPath() {
        return scriptPath;
    }

    /** Lower-case hexadecimal SHA-256 of the script's text as the engine reads it (its byte-order mark and CRs of CRLF left out). */
    public String getChecksum() {
        return checksum;
    }

    public int getStatementCount() {
        return statementCount;
    }

    /** The script's {@code @functions-reviewed} acknowledgements, for approvers; empty when refused. */
    public List<Acknowledged> getReviewedFunctions() {
        return List.copyOf(reviewedFunctions);
    }

    /** The engine's plan, pretty-printed: the {@code plan.json} artifact; null when refused. */
    public String getPlanJson() {
        return planJson;
    }
}
