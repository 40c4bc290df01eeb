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
 * whose notice was given at least a day earlier, through the engine, which records each notice and each drop in the
 * target's ledger. Its log is the dedicated record Jenkins keeps for periodic work
 * ({@code $JENKINS_HOME/logs/tasks/Production script rescue retention.log}); an administrator can also run it for one
 * target from the target's settings ({@link #runNow}, the button "Drop expired rescue tables now").
 *
 * <p>When each table was announced is kept in the target's ledger ({@code script_runner.rescue_tables.notice_given_at},
 * ledger schema version 2), not in Jenkins: the notice then holds for whichever Jenkins or login cleans up the target,
 * survives a Jenkins restore or a second controller, and sits beside the drop it permits, for auditors. So a table
 * is never dropped unannounced, whatever happened meanwhile: Jenkins down over a table's expiry, a retention shorter
 * than a day, or tables recorded before the upgrade, all get their full day of notice first.
 *
 * <p>It connects from the controller, as "Test connection" does, with the target's System-scoped login.
 */
@Extension
public final class RescueRetention extends AsyncPeriodicWork implements TargetMaintenance {
    static final String NAME = "Production script rescue retention";
    /** How far ahead expiring tables are announced, and how long an announcement stands before the table is dropped. */
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
        List<RescueTable> expiring = engine.announceExpiringRescueTables(database, login.toCredentials(), NOTICE);
        List<RescueTable> dropped = engine.dropExpiredRescueTables(database, login.toCredentials(), who, NOTICE);
        List<RescueTable> waiting = expiring.stream().filter(t -> !dropped.contains(t)).toList();
        for (RescueTable table : waiting) {
            out.println("Target " + target.getName() + ": " + table.name() + " (run " + table.runId() + ", "
                    + table.sourceTable() + ") expires at " + table.expiresAt() + ", announced at "
                    + table.noticeGivenAt() + "; dropped from " + table.droppableFrom(NOTICE) + " on, after which run "
                    + table.runId() + " can no longer be reversed.");
        }
        for (RescueTable table : dropped) {
            out.println("Target " + target.getName() + ": dropped " + table.name() + " (run " + table.runId()
                    + "), expired at " + table.expiresAt() + ", announced at " + table.noticeGivenAt()
                    + "; recorded in the target's ledger.");
        }
        out.println("Target " + target.getName() + ": " + waiting.size() + " rescue table(s) announced, expiring within "
                + NOTICE.toHours() + " hours or expired (none is dropped sooner than " + NOTICE.toHours()
                + " hours after its notice), " + dropped.size() + " dropped.");
    }
}
