package io.jenkins.plugins.prodscript.run;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.jenkins.plugins.prodscript.audit.ArtifactNames;
import io.jenkins.plugins.prodscript.audit.ArtifactStage;
import io.jenkins.plugins.prodscript.audit.ScriptRunAction;
import io.jenkins.plugins.prodscript.audit.ScriptRunStatus;
import io.jenkins.plugins.prodscript.audit.UnfinishedRuns;
import io.jenkins.plugins.prodscript.target.DatabaseLogin;
import io.jenkins.plugins.prodscript.target.ProductionScriptTargets;
import io.jenkins.plugins.prodscript.target.TargetCredentials;
import io.jenkins.plugins.prodscript.target.TargetDatabase;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.DatabaseTarget;
import io.prodscript.engine.ledger.LedgerEntry;
import java.io.File;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;

/**
 * Settles a run whose outcome the build lost sight of: aborted while it ran (the agent may still commit), or Jenkins
 * restarted after it started. The build's record says {@link ScriptRunStatus#UNKNOWN} until the target's own ledger
 * ({@code script_runner.runs}) has been read by run id; a committed run's manifest and reversal are then archived from
 * the target, exactly as a run that finished in sight would have archived them.
 *
 * <p>Reads happen on the controller, which needs a route to the database (as "Test connection" does), through
 * {@link ScriptEngine#ledgerEntry}, which looks the run up by its id. While the ledger still shows the run as running,
 * or cannot be reached, it is read again every minute for an hour; after that the record stays UNKNOWN with the
 * reason, and the target's ledger remains the authority. A record still UNKNOWN when Jenkins restarts is read again
 * after the restart, with a fresh hour of attempts ({@link AfterRestart}, {@code UnsettledRunRegistry}).
 */
public final class LedgerReconciliation {
    private static final Logger LOGGER = Logger.getLogger(LedgerReconciliation.class.getName());
    static final long RETRY_SECONDS = 60;
    static final int MAX_ATTEMPTS = 60;

    private LedgerReconciliation() {
    }

    /** Builds found after a restart with their run left running, or still of unknown outcome. */
    @Extension
    public static final class AfterRestart implements UnfinishedRuns {
        /** Not while the build is being loaded: marking and saving it happen right after, on the timer. */
        @Override
        public void reconcile(Run<?, ?> build, String runId) {
            Timer.get().execute(() -> start(build, runId, "Jenkins restarted while the run was running.", status -> { }));
        }
    }

    /**
     * Marks the build's run {@code runId} as of unknown outcome and reads the ledger in the background until it knows.
     * A record already UNKNOWN keeps the reason it was given first (say, the abort), and its reading starts again; a
     * record already settled is left as it is.
     *
     * @param why       what made the outcome unknown, for the record
     * @param whenKnown called with the final status once the ledger decided, or at once when the record already was
     *                  settled (not called if the ledger never decides)
     */
    public static void start(Run<?, ?> build, String runId, String why, Consumer<ScriptRunStatus> whenKnown) {
        ScriptRunAction record = ScriptRunAction.of(build, runId);
        if (record == null) {
            return;
        }
        if (record.getStatus().isSettled()) {
            whenKnown.accept(record.getStatus());
            return;
        }
        if (record.getStatus() != ScriptRunStatus.UNKNOWN) {
            record.setStatus(ScriptRunStatus.UNKNOWN, why + " The outcome of run " + record.getRunId()
                    + " is read from the target's ledger (script_runner.runs).");
            save(build);
        }
        schedule(build, runId, 1, 0, whenKnown);
    }

    private static void schedule(Run<?, ?> build, String runId, int attempt, long delaySeconds,
                                 Consumer<ScriptRunStatus> whenKnown) {
        Timer.get().schedule(() -> attempt(build, runId, attempt, whenKnown), delaySeconds, TimeUnit.SECONDS);
    }

    private static void attempt(Run<?, ?> build, String runId, int attempt, Consumer<ScriptRunStatus> whenKnown) {
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            ScriptRunStatus status = reconcile(build, runId);
            if (status != ScriptRunStatus.UNKNOWN) {
                whenKnown.accept(status);
                return;
            }
        } catch (IOException | SQLException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "Could not read the outcome of the run of " + build + " from its target's ledger", e);
            note(build, runId, "Reading the target's ledger failed (attempt " + attempt + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (attempt < MAX_ATTEMPTS) {
            schedule(build, runId, attempt + 1, RETRY_SECONDS, whenKnown);
        }
    }

    /**
     * One reading of the ledger. Records and returns the run's final status, or {@link ScriptRunStatus#UNKNOWN} while
     * the ledger still shows it running.
     */
    static ScriptRunStatus reconcile(Run<?, ?> build, String runId)
            throws IOException, InterruptedException, SQLException {
        ScriptRunAction record = ScriptRunAction.of(build, runId);
        if (record == null) {
            return ScriptRunStatus.UNKNOWN;
        }
        // Two readings of one record (an abort's, then a restart's) must not both archive and settle it.
        synchronized (record) {
            if (record.getStatus() != ScriptRunStatus.UNKNOWN) {
                return record.getStatus();
            }
            TargetDatabase target = ProductionScriptTargets.get().require(record.getTargetName());
            DatabaseLogin login = TargetCredentials.forLedgerReading(build, target);
            DatabaseTarget database = target.settings().toDatabaseTarget();
            Credentials credentials = login.toCredentials();
            ScriptEngine engine = ScriptEngine.create();
            Optional<LedgerEntry> entry = engine.ledgerEntry(database, credentials, record.getRunId());
            ScriptRunStatus status = statusOf(entry.map(LedgerEntry::status).orElse(null));
            if (status == ScriptRunStatus.UNKNOWN) {
                return status;
            }
            if (status == ScriptRunStatus.COMMITTED) {
                record.setCommittedRows(entry.get().rowsChanged(), List.of());
                archiveFromLedger(build, record, engine, database, credentials);
                AuditRetention.keep(build);
            }
            record.setStatus(status, describe(entry.orElse(null)));
            save(build);
            return status;
        }
    }

    /**
     * The build's status for a ledger status: empty ledger entry (null) means the run never reached the target, so
     * nothing ran; {@code running} leaves it unknown.
     */
    static ScriptRunStatus statusOf(@CheckForNull String ledgerStatus) {
        if (ledgerStatus == null) {
            return ScriptRunStatus.CANCELLED;
        }
        return switch (ledgerStatus.toLowerCase(Locale.ROOT)) {
            case "committed", "reverted" -> ScriptRunStatus.COMMITTED;
            case "failed", "refused" -> ScriptRunStatus.FAILED;
            case "cancelled", "interrupted" -> ScriptRunStatus.CANCELLED;
            default -> ScriptRunStatus.UNKNOWN;
        };
    }

    private static String describe(@CheckForNull LedgerEntry entry) {
        if (entry == null) {
            return "Reconciled from the target's ledger: the run never reached it; nothing ran.";
        }
        return "Reconciled from the target's ledger: " + entry.status() + ", " + entry.rowsChanged() + " row(s)"
                + (entry.failure() == null ? "" : " (" + entry.failure() + ")") + ".";
    }

    /** The manifest and the reversal a committed run produced, read back from the target and archived. */
    private static void archiveFromLedger(Run<?, ?> build, ScriptRunAction record, ScriptEngine engine,
                                          DatabaseTarget database, Credentials credentials)
            throws IOException, InterruptedException, SQLException {
        ArtifactStage stage = ArtifactStage.onController(new File(build.getRootDir(), "prodscript-reconciled"));
        stage.create();
        try {
            Optional<String> manifest = engine.manifest(database, credentials, record.getRunId());
            if (manifest.isPresent()) {
                stage.write(ArtifactNames.MANIFEST, manifest.get());
                try {
                    stage.write(ArtifactNames.REVERSAL, engine.reversalScript(database, credentials, record.getRunId()).text());
                } catch (SQLException | RuntimeException e) {
                    // A run without rescue data has no reversal; the manifest says what it changed.
                    LOGGER.log(Level.FINE, "No reversal for " + record.getRunId(), e);
                }
            }
            record.addArtifacts(stage.archive(build, record, new Launcher.LocalLauncher(TaskListener.NULL), TaskListener.NULL));
        } finally {
            stage.delete();
        }
    }


    /** Keeps the reason the outcome is unknown, and notes beside it why this reading failed. */
    private static void note(Run<?, ?> build, String runId, String line) {
        ScriptRunAction record = ScriptRunAction.of(build, runId);
        if (record != null && record.getStatus() == ScriptRunStatus.UNKNOWN) {
            record.setLedgerReading(line);
            save(build);
        }
    }

    private static void save(Run<?, ?> build) {
        try {
            build.save();
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "Could not save " + build, e);
        }
    }
}
