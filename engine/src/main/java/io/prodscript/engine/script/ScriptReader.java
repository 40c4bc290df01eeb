package io.prodscript.engine.script;

import io.prodscript.engine.Refusal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a script from a checkout and refuses anything that is not plainly a file of SQL inside it. All checks happen
 * before any database is touched.
 */
public final class ScriptReader {
    /** One mebibyte: far more than any reviewed data fix, far less than a data dump pasted into a script. */
    public static final long DEFAULT_MAX_BYTES = 1024 * 1024;

    /** U+FEFF, which some editors write at the start of a UTF-8 file. */
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private final long maxBytes;

    public ScriptReader(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
    }

    public ScriptReader() {
        this(DEFAULT_MAX_BYTES);
    }

    /**
     * Reads {@code scriptPath} below {@code checkoutRoot}: a path relative to the checkout, or an absolute one that
     * lies inside it (read as the relative path it is).
     *
     * <p>The script's text, and the checksum over it, are the file's content with a UTF-8 byte-order mark at the start
     * removed and CRLF line endings read as LF. Why: the same committed script checked out by a Windows agent
     * ({@code core.autocrlf}) or saved by an editor that writes a byte-order mark must be the same script to approvals
     * and to the ledger, or it could be applied a second time. The text run is the text checksummed, so what was
     * approved is what runs. A carriage return that does not end a line has no such reading and is refused.
     *
     * @throws Refusal when the path is absolute outside the checkout, escapes the checkout (also through symbolic
     *                 links), contains a control character, is not a regular {@code .sql} file, is empty, too large, not UTF-8, or holds a carriage
     *                 return not followed by a line feed
     */
    public Script read(Path checkoutRoot, String scriptPath) {
        String relativePath = relativeTo(checkoutRoot, scriptPath);
        Path file = resolveInside(checkoutRoot, relativePath);
        byte[] bytes = readBytes(file, relativePath);
        String text = canonicalText(decode(bytes, relativePath), relativePath);
        if (text.isBlank()) {
            throw new Refusal("script " + relativePath + " is empty");
        }
        return new Script(normalized(relativePath), text, sha256(text.getBytes(StandardCharsets.UTF_8)), bytes.length);
    }

    /** The decoded file without a leading byte-order mark and with CRLF read as LF; see {@link #read}. */
    private static String canonicalText(String decoded, String relativePath) {
        String text = decoded.startsWith(BYTE_ORDER_MARK) ? decoded.substring(1) : decoded;
        text = text.replace("\r\n", "\n");
        int loneReturn = text.indexOf('\r');
        if (loneReturn >= 0) {
            int line = (int) text.substring(0, loneReturn).chars().filter(c -> c == '\n').count() + 1;
            throw new Refusal("script " + relativePath + " has a carriage return that does not end a line; save it"
                    + " with LF (or CRLF) line endings", line);
        }
        return text;
    }

    /** An absolute path inside the checkout as the relative path it is; any other path as given. */
    private static String relativeTo(Path checkoutRoot, String scriptPath) {
        if (scriptPath == null || scriptPath.isBlank() || !Path.of(scriptPath.trim()).isAbsolute()) {
            return scriptPath;
        }
        Path absolute = Path.of(scriptPath.trim()).normalize();
        Path root = realPath(checkoutRoot, "checkout " + checkoutRoot);
        for (Path base : List.of(root, checkoutRoot.toAbsolutePath().normalize())) {
            if (absolute.startsWith(base) && !absolute.equals(base)) {
                return base.relativize(absolute).toString().replace('\\', '/');
            }
        }
        throw new Refusal("script path " + scriptPath + " is outside the checkout " + checkoutRoot
                + "; give it relative to the checkout");
    }

    private Path resolveInside(Path checkoutRoot, String relativePath) {
        if (relativePath == null || relativePath.isBlank()) {
            throw new Refusal("no script path given");
        }
        String path = normalized(relativePath);
        if (path.codePoints().anyMatch(Character::isISOControl)) {
            // The path is written into reports, the ledger and the generated reversal's header: a line break in it
            // would add lines (directives, statements) to the reversal.
            throw new Refusal("script path " + path.replaceAll("\\p{Cntrl}", "?") + " contains a control character (a line"
                    + " break, say); rename the file");
        }
        if (path.startsWith("/") || path.matches("^[A-Za-z]:.*") || Path.of(path).isAbsolute()) {
            throw new Refusal("script path " + relativePath + " is absolute; give it relative to the checkout");
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                throw new Refusal("script path " + relativePath + " leaves the checkout (contains ..)");
            }
        }
        if (!path.endsWith(".sql")) {
            throw new Refusal("script path " + relativePath + " does not name a .sql file");
        }
        Path root = realPath(checkoutRoot, "checkout " + checkoutRoot);
        Path file = root.resolve(path);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refusal("script " + relativePath + " does not exist in the checkout");
        }
        Path real = realPath(file, "script " + relativePath);
        if (!real.startsWith(root)) {
            throw new Refusal("script " + relativePath + " is a link to a file outside the checkout");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refusal("script " + relativePath + " is not a regular file");
        }
        return real;
    }

    private static Path realPath(Path path, String what) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new Refusal(what + " cannot be resolved: " + reason(e));
        }
    }

    private byte[] readBytes(Path file, String relativePath) {
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new Refusal("script " + relativePath + " is " + size + " bytes, over the limit of " + maxBytes);
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Refusal("script " + relativePath + " cannot be read: " + reason(e));
        }
    }

    /** What went wrong with a file, in words rather than an exception's class name. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "it does not exist";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return "the file system refused it";
    }

    private static String decode(byte[] bytes, String relativePath) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Refusal("script " + relativePath + " is not valid UTF-8");
        }
    }

    private static String normalized(String relativePath) {
        String path = relativePath.trim().replace('\\', '/');
        while (path.startsWith("./")) {
            path = path.substring(2);
        }
        return path;
    }

    /** Lower-case hexadecimal SHA-256 of the given bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
