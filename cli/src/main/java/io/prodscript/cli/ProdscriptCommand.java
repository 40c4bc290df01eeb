package io.prodscript.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * The top command. Its {@code subcommands} list is the one registry of commands: a new command is a class of its own
 * added there. {@code --help} and {@code --version} are inherited by every subcommand.
 */
@Command(name = "prodscript",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = ProdscriptCommand.Version.class,
        description = "Lints, plans and rehearses reviewed SQL scripts for PostgreSQL. Runs that commit happen in Jenkins, "
                + "never from this command line (except on the demo's own throwaway database).",
        subcommands = {
            LintCommand.class,
            PlanCommand.class,
            RehearseCommand.class,
            InstallCommand.class,
            DemoCommand.class,
            io.prodscript.cli.bench.BenchmarkCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ProdscriptCommand {

    /** The command line as {@link Main} runs it; tests use it too, with their own output writers. */
    public static CommandLine commandLine() {
        return new CommandLine(new ProdscriptCommand());
    }

    /** The version Maven wrote into the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ProdscriptCommand.class.getPackage().getImplementationVersion();
            return new String[] {"prodscript " + (version == null ? "(development build)" : version)};
        }
    }
}
