package io.prodscript.cli;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.DatabaseTarget;
import io.prodscript.engine.execution.Execution;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.report.Json;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Rehearses a script against a real database: every statement runs and every check is evaluated, then the
 * transaction is rolled back. There is deliberately no option to commit: runs that keep their changes go through
 * Jenkins, with its approvals and audit trail.
 */
@Command(name = "rehearse", description = {
    "Runs a script against a database inside one transaction and always rolls it back. "
            + "The password is read from the environment variable " + PasswordSource.ENVIRONMENT_VARIABLE
            + " or asked for on the terminal.",
    "It writes the rehearsal to the target's ledger (schema script_runner, which 'install' creates): rows that stay.",
    "Exits 0 when the rehearsal succeeded, 1 when the script was refused or the rehearsal failed."})
final class RehearseCommand implements Callable<Integer> {
    @Mixin
    CheckoutOption checkout;

    @Parameters(paramLabel = "SCRIPT", description = "Script path relative to --root.")
    String script;

    @Option(names = "--url", required = true, paramLabel = "JDBC_URL",
            description = "The database, e.g. jdbc:postgresql://db.example.com:5432/shop (without a password).")
    String url;

    @Option(names = "--user", required = true, paramLabel = "NAME", description = "The database user.")
    String user;

    @Option(names = "--target-name", paramLabel = "NAME",
            description = "The name the ledger records for this database (default: host, port and database from --url).")
    String targetName;

    @Option(names = "--json", description = "Print the result as JSON on standard output; progress goes to standard error.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final PasswordSource passwords;

    RehearseCommand() {
        this(PasswordSource.system());
    }

    RehearseCommand(PasswordSource passwords) {
        this.passwords = passwords;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DatabaseTarget target = target();
        ScriptEngine engine = ScriptEngine.create();
        Plan plan;
        try {
            plan = engine.plan(checkout.read(engine, script));
        } catch (Refusal refusal) {
            err.println("REFUSED " + script + ": " + refusal.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
        Optional<Credentials> credentials = passwords.credentials(user, err);
        if (credentials.isEmpty()) {
            return CommandLine.ExitCode.SOFTWARE;
        }
        RunRequest request = RunRequest.of(plan, target, credentials.get(), Mode.REHEARSE,
                System.getProperty("user.name"));
        EventPrinter progress = new EventPrinter(json ? err : out, "");
        RunResult result = rehearse(engine.prepare(request, progress));
        progress.printEnd(result);
        if (json) {
            out.println(Json.pretty(result));
            out.flush();
        } else {
            progress.printRescue(result);
        }
        return result.succeeded() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
    }

    /** Runs with Ctrl-C cancelling the statement on the server, so a long rehearsal stops holding locks at once. */
    private static RunResult rehearse(Execution execution) {
        Thread cancelOnInterrupt = new Thread(execution::cancel, "prodscript-cancel");
        Runtime.getRuntime().addShutdownHook(cancelOnInterrupt);
        try {
            return execution.run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook has already run and the JVM is exiting; there is nothing left to remove.
            }
        }
    }

    private DatabaseTarget target() {
        try {
            return DatabaseTarget.of(targetName != null ? targetName : defaultTargetName(url), url);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** {@code jdbc:postgresql://db:5432/shop?ssl=true} is recorded as {@code db:5432/shop}. */
    static String defaultTargetName(String jdbcUrl) {
        String name = jdbcUrl.replaceFirst("^jdbc:postgresql:(//)?", "");
        int query = name.indexOf('?');
        return query < 0 ? name : name.substring(0, query);
    }
}
