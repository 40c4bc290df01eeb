package io.jenkins.plugins.prodscript.retention;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import io.jenkins.plugins.prodscript.target.DatabaseLogin;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import io.jenkins.plugins.prodscript.target.TargetCredentials;
import io.jenkins.plugins.prodscript.target.TargetDatabase;
import io.jenkins.plugins.prodscript.target.TargetMaintenance;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.DatabaseTarget;
import io.prodscript.engine.rescue.RescueTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Rescue tables expire (each target sets how long they are kept) but stay until something drops them. Every hour,
 * for every target, this work announces the rescue tables that expire within a day, then drops the expired ones
 * through the engine, which records each drop in the target's ledger. Its log is the dedicated record Jenkins keeps
 * for periodic work ({@code $JENKINS_HOME/logs/tasks/Production script rescue retention.log}); an administrator can
 * also run it for one target from the target's settings ({@link #runNow}, the button "Drop expired rescue tables now").
 *
 * <p>It connects from the controller, as "Test connection" does, with the target's System-scoped login.
 */
@Extension
public final class RescueRetention extends AsyncPeriodicWork implements TargetMaintenance {
    static final String NAME = "Production script rescue retention";
    /** How far ahead expiring tables are announced. */
    static final Duration NOTICE = Duration.ofDays(1);
    /** Who the ledger names as having dropped the tables. */
    static final String DROPPED_BY = "jenkins rescue retention";

    public RescueRetention() {
        super(NAME);
    }

    @Override
    public long getRecurrencePeriod() {
        return HOUR;
    }

    @Override
    protected void execute(TaskListener listener) {
        for (TargetDatabase target : ProductionScriptTargets.get().getTargets()) {
            try {
                runFor(target, DROPPED_BY, listener.getLogger());
            } catch (IOException | SQLException | RuntimeException e) {
                // One unreachable target must not keep the others' tables: report and go on.
                listener.getLogger().println("Target " + target.getName() + ": rescue retention failed: " + e.getMessage());
            }
        }
    }

    /**
     * Announces and drops for one target now, for an administrator; returns what it printed.
     *
     * @param who the administrator, recorded in the ledger as having dropped the tables
     */
    @Override
    public List<String> runNow(TargetDatabase target, String who) throws IOException, SQLException {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        runFor(target, who, new PrintStream(printed, true, StandardCharsets.UTF_8));
        return List.of(printed.toString(StandardCharsets.UTF_8).split("\\R"));
    }

    private static void runFor(TargetDatabase target, String who, PrintStream out) throws IOException, SQLException {
        DatabaseLogin login = TargetCredentials.forMaintenance(target);
        DatabaseTarget database = target.settings().toDatabaseTarget();
        ScriptEngine engine = ScriptEngine.create();
        List<RescueTable> expiring = engine.rescueTablesExpiring(database, login.toCredentials(), NOTICE);
        for (RescueTable table : expiring) {
            out.println("Target " + target.getName() + ": " + table.name() + " (run " + table.runId() + ", "
                    + table.sourceTable() + ") expires at " + table.expiresAt() + "; run " + table.runId()
                    + " can no longer be reversed once it is dropped.");
        }
        List<RescueTable> dropped = engine.dropExpiredRescueTables(database, login.toCredentials(), who);
        for (RescueTable table : dropped) {
            out.println("Target " + target.getName() + ": dropped " + table.name() + " (run " + table.runId()
                    + "), expired at " + table.expiresAt() + "; recorded in the target's ledger.");
        }
        out.println("Target " + target.getName() + ": " + expiring.size() + " rescue table(s) expire within "
                + NOTICE.toHours() + " hours, " + dropped.size() + " dropped.");
    }
}
