package io.jenkins.plugins.prodscript.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The digest approvals are bound to: SHA-256 of the rehearsal's report as single-line JSON. Approvers decide on what
 * the rehearsal did; if the run were to follow another rehearsal, the digest, and so the approval, would not match.
 */
public final class ReportDigest {
    private ReportDigest() {
    }

    /** Lower-case hexadecimal SHA-256 of {@code text} as UTF-8. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
