package io.jenkins.plugins.prodscript.target;

import hudson.console.LineTransformationOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Masks targets' passwords in a build log, line by line, as the Credentials Binding plugin masks bound secrets. Defence
 * in depth only: the plugin never prints a password; this catches what other code in the build might print.
 */
public final class PasswordMask extends LineTransformationOutputStream {
    static final String MASK = "****";

    private final OutputStream out;
    private final Pattern secrets;
    private final Charset charset;

    PasswordMask(OutputStream out, Pattern secrets, Charset charset) {
        this.out = out;
        this.secrets = secrets;
        this.charset = charset;
    }

    /**
     * {@code log}, masking the passwords of the named targets and of the targets they rehearse on; {@code log} itself
     * when none of them has a password to mask (unknown targets and missing credentials are skipped: the build reports
     * those itself).
     */
    public static OutputStream wrap(OutputStream log, Collection<String> targetNames, Charset charset) {
        ProductionScriptTargets targets = ProductionScriptTargets.get();
        Collection<String> passwords = targetNames.stream()
                .map(targets::named)
                .flatMap(Optional::stream)
                .flatMap(t -> Stream.concat(Stream.of(t), targets.named(t.getRehearseOn()).stream()))
                .map(TargetCredentials::passwordOf)
                .filter(Objects::nonNull)
                .toList();
        Pattern pattern = patternOf(passwords);
        return pattern == null ? log : new PasswordMask(log, pattern, charset);
    }

    /**
     * One pattern matching any of {@code secrets}, longest first so a password containing another is masked whole;
     * null when there is nothing to mask.
     */
    static Pattern patternOf(Collection<String> secrets) {
        String alternatives = secrets.stream()
                .filter(s -> !s.isEmpty())
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote)
                .collect(Collectors.joining("|"));
        return alternatives.isEmpty() ? null : Pattern.compile(alternatives);
    }

    @Override
    protected void eol(byte[] bytes, int length) throws IOException {
        String line = new String(bytes, 0, length, charset);
        Matcher matcher = secrets.matcher(line);
        if (matcher.find()) {
            out.write(matcher.replaceAll(MASK).getBytes(charset));
        } else {
            out.write(bytes, 0, length);
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        super.close();
        out.close();
    }
}
