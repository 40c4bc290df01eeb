package io.jenkins.plugins.prodscript.run;

import hudson.AbortException;
import hudson.remoting.VirtualChannel;
import io.prodscript.engine.Refusal;
import io.prodscript.engine.ScriptEngine;
import io.jenkins.plugins.prodscript.audit.Acknowledged;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.script.Script;
import io.prodscript.engine.report.Json;
import java.io.File;
import java.io.IOException;
import jenkins.MasterToSlaveFileCallable;

/**
 * Reads and plans a script on the agent that has the checkout. The engine refuses paths outside the checkout
 * (absolute, {@code ..}, symbolic links out), files that are not {@code .sql}, and scripts it cannot run safely; its
 * message becomes the build's failure, and no database has been touched. With rescue, it also refuses statements whose
 * changes could not be saved, unless the script declares another way back.
 */
final class PlanScript extends MasterToSlaveFileCallable<PlannedScript> {
    private static final long serialVersionUID = 1L;

    private final String scriptPath;

    PlanScript(String scriptPath) {
        this.scriptPath = scriptPath;
    }

    /**
     * The plan, or the planner's refusal together with the checksum of the bytes it refused: the audit record names
     * exactly which script was refused. A path or file refused before its bytes were read still fails at once.
     */
    @Override
    public PlannedScript invoke(File root, VirtualChannel channel) throws IOException {
        ScriptEngine engine = ScriptEngine.create();
        Script script = read(engine, root, scriptPath);
        try {
            Plan plan = engine.plan(script);
            return PlannedScript.planned(plan.scriptPath(), plan.checksum(), script.text(), plan.statements().size(),
                    Json.pretty(plan), plan.directives().functionsReviewed().stream()
                            .map(function -> new Acknowledged(function.name(), function.reason())).toList());
        } catch (Refusal refusal) {
            return PlannedScript.refused(script.path(), script.checksum(), script.text(), refusalMessage(refusal));
        }
    }

    /** Reads and plans {@code scriptPath} below {@code root}, turning the engine's refusal into a build failure. */
    static Plan plan(File root, String scriptPath) throws AbortException {
        ScriptEngine engine = ScriptEngine.create();
        Script script = read(engine, root, scriptPath);
        try {
            return engine.plan(script);
        } catch (Refusal refusal) {
            throw new AbortException(refusalMessage(refusal));
        }
    }

    private static Script read(ScriptEngine engine, File root, String scriptPath) throws AbortException {
        try {
            return engine.read(root.toPath(), scriptPath);
        } catch (Refusal refusal) {
            throw new AbortException(refusalMessage(refusal));
        }
    }

    /** The engine's own words; Refusal itself must not cross remoting (library class). */
    private static String refusalMessage(Refusal refusal) {
        return "Refused: " + refusal.getMessage() + ". Nothing was run.";
    }
}
