package io.jenkins.plugins.prodscript.run;

import java.io.Serializable;

/** The plan of a script as it comes back from the agent: plain values and the plan's JSON, no engine type. */
public final class PlannedScript implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String scriptPath;
    private final String checksum;
    private final int statementCount;
    private final String planJson;

    PlannedScript(String scriptPath, String checksum, int statementCount, String planJson) {
        this.scriptPath = scriptPath;
        this.checksum = checksum;
        this.statementCount = statementCount;
        this.planJson = planJson;
    }

    public String getScriptPath() {
        return scriptPath;
    }

    /** Lower-case hexadecimal SHA-256 of the script's bytes. */
    public String getChecksum() {
        return checksum;
    }

    public int getStatementCount() {
        return statementCount;
    }

    /** The engine's plan, pretty-printed: the {@code plan.json} artifact. */
    public String getPlanJson() {
        return planJson;
    }
}
