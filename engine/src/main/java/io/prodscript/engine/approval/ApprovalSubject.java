package io.prodscript.engine.approval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Exactly what an approval approves: this script, on this target, in this mode, after this rehearsal. A decision is
 * made against the subject's {@link #digest()}; when any part changes the digest changes, and decisions made
 * against the old one no longer count. That is what stops "approve a harmless script, then push a different one".
 *
 * <p>Hexadecimal values and the mode are lower-cased, so {@code "RUN"} and {@code "run"} are the same subject.
 *
 * @param scriptChecksum  lower-case hexadecimal SHA-256 of the script's bytes (64 characters)
 * @param targetName      the target's name as configured, e.g. {@code prod-main}; compared exactly
 * @param mode            what the run will do, e.g. {@code run} or {@code revert}
 * @param rehearsalDigest hexadecimal digest of the rehearsal report the approvers were shown, or null when no
 *                        rehearsal preceded the run (a subject without a rehearsal differs from every subject with
 *                        one)
 */
public record ApprovalSubject(String scriptChecksum, String targetName, String mode, String rehearsalDigest) {
    private static final Pattern SHA_256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    /** Changing how the digest is computed would void every pending approval, so the format carries a version. */
    private static final String DIGEST_FORMAT = "prodscript approval subject v1";

    public ApprovalSubject {
        scriptChecksum = lowerCase(Objects.requireNonNull(scriptChecksum, "scriptChecksum"));
        if (!SHA_256_HEX.matcher(scriptChecksum).matches()) {
            throw new IllegalArgumentException("the script checksum must be a SHA-256 in hexadecimal (64 characters)");
        }
        Objects.requireNonNull(targetName, "targetName");
        if (targetName.isBlank()) {
            throw new IllegalArgumentException("the target name must not be blank");
        }
        mode = lowerCase(Objects.requireNonNull(mode, "mode"));
        if (mode.isEmpty()) {
            throw new IllegalArgumentException("the mode must not be blank");
        }
        if (rehearsalDigest != null) {
            rehearsalDigest = lowerCase(rehearsalDigest);
            if (!HEX.matcher(rehearsalDigest).matches()) {
                throw new IllegalArgumentException("the rehearsal digest must be hexadecimal");
            }
        }
    }

    /**
     * A lower-case hexadecimal SHA-256 that identifies this subject. It is the same for equal subjects in every
     * version of the engine, because pending decisions stored by an older version must keep their meaning.
     */
    public String digest() {
        // Each field is prefixed with its length so no two different subjects can encode to the same text.
        StringBuilder text = new StringBuilder(DIGEST_FORMAT).append('\n');
        field(text, scriptChecksum);
        field(text, targetName);
        field(text, mode);
        field(text, rehearsalDigest == null ? "-" : "rehearsal:" + rehearsalDigest);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** The first characters of the checksum, enough for people to tell scripts apart in a sentence. */
    String shortChecksum() {
        return scriptChecksum.substring(0, 12);
    }

    private static void field(StringBuilder text, String value) {
        text.append(value.length()).append(':').append(value).append('\n');
    }

    private static String lowerCase(String value) {
        return value.strip().toLowerCase(Locale.ROOT);
    }
}
