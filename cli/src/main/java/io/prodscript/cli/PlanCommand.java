package io.prodscript.cli;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.report.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Shows what a script would do, as a reviewer should see it, without a database. */
@Command(name = "plan", description = "Shows a script's plan (directives and statements) without touching a database. "
        + "Exits 1 when the script is refused.")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    CheckoutOption checkout;

    @Parameters(paramLabel = "SCRIPT", description = "Script path relative to --root.")
    String script;

    @Option(names = "--json", description = "Print the plan as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ScriptEngine engine = ScriptEngine.create();
        Plan plan;
        try {
            plan = engine.plan(checkout.read(engine, script));
        } catch (Refusal refusal) {
            spec.commandLine().getErr().println("REFUSED " + script + ": " + refusal.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
        if (json) {
            out.println(Json.pretty(plan));
        } else {
            new PlanPrinter(out).print(plan);
        }
        out.flush();
        return CommandLine.ExitCode.OK;
    }
}
