package io.jenkins.plugins.prodscript.audit;

/**
 * The names of the files a script run archives, under {@code prodscript/} in the build's artifacts (see
 * {@link ScriptRunAction#getArtifactFolder()}).
 */
public final class ArtifactNames {
    /** The folder of every artifact of a build's script runs. */
    public static final String FOLDER = "prodscript/";
    /** The script's text exactly as read and checksummed (its SHA-256 is the run's checksum): what approvers read. */
    public static final String SCRIPT = "script.sql";
    /** Every engine event, one JSON object per line, rehearsal and run. */
    public static final String EVENTS = "events.jsonl";
    /** The plan: statements, directives, checksum. */
    public static final String PLAN = "plan.json";
    /** The rehearsal's result, exactly as digested for approvals (SHA-256 of this file's bytes). */
    public static final String REHEARSAL = "rehearsal.json";
    /** The committed (or failed) run's result. */
    public static final String RUN = "run.json";
    /** The rescue manifest of a committed run: which rows were saved where, until when. */
    public static final String MANIFEST = "manifest.json";
    /** SQL that reverses a committed run. */
    public static final String REVERSAL = "reversal.sql";

    private ArtifactNames() {
    }
}
