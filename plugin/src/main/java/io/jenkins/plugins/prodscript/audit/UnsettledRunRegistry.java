package io.jenkins.plugins.prodscript.audit;

import hudson.XmlFile;
import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.security.ACLContext;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Every script run whose record says {@link ScriptRunStatus#RUNNING} or {@link ScriptRunStatus#UNKNOWN}, by build and
 * run id, kept in {@code $JENKINS_HOME/io.jenkins.plugins.prodscript.audit.UnsettledRunRegistry.xml}. Jenkins loads
 * builds lazily, and a build's record is only handed to {@link UnfinishedRuns} when the build is loaded; without this
 * list, a build nobody opened after a restart would keep its unsettled record indefinitely (and a build discarder
 * could delete it before its outcome was read). At startup every build listed is loaded, which settles its run from
 * the target's ledger; entries whose build is gone or whose record has settled are dropped.
 *
 * <p>Kept by {@link ScriptRunAction#setStatus}, the one place a record's status changes.
 */
public final class UnsettledRunRegistry {
    private static final Logger LOGGER = Logger.getLogger(UnsettledRunRegistry.class.getName());

    private UnsettledRunRegistry() {
    }

    /** One unsettled run: the build's {@link Run#getExternalizableId()} and the engine run id. */
    static final class Entry {
        private final String build;
        private final String runId;

        Entry(String build, String runId) {
            this.build = build;
            this.runId = runId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.build.equals(build) && e.runId.equals(runId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(build, runId);
        }
    }

    /** Lists the run while its record is RUNNING or UNKNOWN, and forgets it once the record says anything else. */
    static synchronized void update(Run<?, ?> build, String runId, ScriptRunStatus status) {
        Entry entry = new Entry(build.getExternalizableId(), runId);
        List<Entry> entries = read();
        if (status.isOutcomePending() ? !entries.contains(entry) && entries.add(entry) : entries.remove(entry)) {
            write(entries);
        }
    }

    /**
     * After the jobs are loaded: loads every listed build, whose record then asks its target's ledger
     * ({@link ScriptRunAction#onLoad}); a Pipeline still running settles its own run when its step resumes.
     */
    @Initializer(after = InitMilestone.JOB_CONFIG_ADAPTED, fatal = false)
    public static void settleAfterRestart() {
        List<Entry> entries;
        synchronized (UnsettledRunRegistry.class) {
            entries = read();
        }
        List<Entry> gone = new ArrayList<>();
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            for (Entry entry : entries) {
                ScriptRunAction record = recordOf(entry);
                if (record == null || !record.getStatus().isOutcomePending()) {
                    gone.add(entry);
                }
            }
        }
        if (!gone.isEmpty()) {
            synchronized (UnsettledRunRegistry.class) {
                List<Entry> now = read();
                if (now.removeAll(gone)) {
                    write(now);
                }
            }
        }
    }

    private static ScriptRunAction recordOf(Entry entry) {
        try {
            Run<?, ?> build = Run.fromExternalizableId(entry.build); // loading it hands its run to UnfinishedRuns
            return build == null ? null : ScriptRunAction.of(build, entry.runId);
        } catch (IllegalArgumentException e) {
            LOGGER.log(Level.WARNING, "Ignoring an unreadable entry " + entry.build, e);
            return null;
        }
    }

    private static XmlFile file() {
        return new XmlFile(Jenkins.XSTREAM2, new File(Jenkins.get().getRootDir(), UnsettledRunRegistry.class.getName() + ".xml"));
    }

    @SuppressWarnings("unchecked")
    private static List<Entry> read() {
        XmlFile file = file();
        if (!file.exists()) {
            return new ArrayList<>();
        }
        try {
            return new ArrayList<>((List<Entry>) file.read());
        } catch (IOException | ClassCastException e) {
            LOGGER.log(Level.WARNING, "Could not read " + file + "; unsettled runs are settled when their build is opened", e);
            return new ArrayList<>();
        }
    }

    private static void write(List<Entry> entries) {
        XmlFile file = file();
        try {
            file.write(new ArrayList<>(entries));
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "Could not save " + file + "; unsettled runs are settled when their build is opened", e);
        }
    }
}
