package io.jenkins.plugins.prodscript.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The masking of passwords in build logs, line by line, without Jenkins. */
class PasswordMaskTest {
    private static String through(List<String> secrets, String text) throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (OutputStream masked = new PasswordMask(log, PasswordMask.patternOf(secrets), StandardCharsets.UTF_8)) {
            masked.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyOccurrenceIsMaskedAndOtherLinesPassUnchanged() throws IOException {
        assertEquals("a **** b ****\nclean line\n", through(List.of("s3cr.t"), "a s3cr.t b s3cr.t\nclean line\n"));
    }

    @Test
    void passwordsAreMatchedLiterallyNotAsPatterns() throws IOException {
        assertEquals("s3crXt\n", through(List.of("s3cr.t"), "s3crXt\n"));
    }

    @Test
    void aPasswordContainingAnotherIsMaskedWhole() throws IOException {
        assertEquals("****\n", through(List.of("abc", "abcdef"), "abcdef\n"));
    }

    @Test
    void theLastLineIsMaskedEvenWithoutALineBreak() throws IOException {
        assertEquals("end ****", through(List.of("pw-1"), "end pw-1"));
    }

    @Test
    void nothingToMaskMeansNoPattern() {
        assertNull(PasswordMask.patternOf(List.of("", "")));
        assertNull(PasswordMask.patternOf(List.of()));
    }
}
