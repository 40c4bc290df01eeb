package io.prodscript.cli;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.DatabaseTarget;
import io.prodscript.engine.ledger.SchemaInstallation;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Installs or upgrades the ledger on a database the operator names. This is DDL on the product's own two schemas
 * ({@code script_runner} and {@code rescue}), never a script: the command line still commits no change to anyone's
 * data.
 */
@Command(name = "install", description = {
    "Creates the ledger (schemas script_runner and rescue) on a database, or upgrades it to the schema version this "
            + "release needs, in one transaction; repeating it changes nothing. It never runs a script.",
    "Use a login that may create schemas in the database (an owner), then grant the runner role what "
            + "docs/how-a-run-works.md lists. The password is read from the environment variable "
            + PasswordSource.ENVIRONMENT_VARIABLE + " or asked for on the terminal.",
    "Exits 0 when the ledger is installed, 1 when it could not be."})
final class InstallCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, paramLabel = "JDBC_URL",
            description = "The database, e.g. jdbc:postgresql://db.example.com:5432/shop (without a password).")
    String url;

    @Option(names = "--user", required = true, paramLabel = "NAME", description = "The database user (an owner).")
    String user;

    @Spec
    CommandSpec spec;

    private final PasswordSource passwords;

    InstallCommand() {
        this(PasswordSource.system());
    }

    InstallCommand(PasswordSource passwords) {
        this.passwords = passwords;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DatabaseTarget target;
        try {
            target = DatabaseTarget.of(RehearseCommand.defaultTargetName(url), url);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Optional<Credentials> credentials = passwords.credentials(user, err);
        if (credentials.isEmpty()) {
            return CommandLine.ExitCode.SOFTWARE;
        }
        try {
            SchemaInstallation installation = ScriptEngine.create().install(target, credentials.get());
            out.println(target.name() + ": " + installation.describe());
            return CommandLine.ExitCode.OK;
        } catch (SQLException e) {
            err.println(target.name() + ": " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
    }
}
