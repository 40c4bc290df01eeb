package io.prodscript.cli;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.plan.Plan;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Checks scripts the way a run would, without a database: for a pre-commit hook or a pull-request check. */
@Command(name = "lint", description = "Checks scripts without touching a database: prints OK or why each would be refused. "
        + "Exits 1 when any script is refused.")
final class LintCommand implements Callable<Integer> {
    @Mixin
    CheckoutOption checkout;

    @Parameters(arity = "1..*", paramLabel = "SCRIPT", description = "Script paths relative to --root.")
    List<String> scripts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ScriptEngine engine = ScriptEngine.create();
        int refused = 0;
        for (String script : scripts) {
            try {
                Plan plan = engine.plan(checkout.read(engine, script));
                out.println("OK " + plan.scriptPath() + ": " + plan.statements().size() + " statement(s)");
            } catch (Refusal refusal) {
                refused++;
                out.println("REFUSED " + script + ": " + refusal.getMessage());
            }
        }
        out.flush();
        return refused == 0 ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
    }
}
