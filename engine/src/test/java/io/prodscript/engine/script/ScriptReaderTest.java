package io.prodscript.engine.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.Refusal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptReaderTest {
    @TempDir
    Path base;
    Path checkout;
    final ScriptReader reader = new ScriptReader(1000);

    @BeforeEach
    void createCheckout() throws IOException {
        checkout = Files.createDirectories(base.resolve("checkout"));
        Files.createDirectories(checkout.resolve("scripts"));
        Files.writeString(checkout.resolve("scripts/fix.sql"), "UPDATE t SET a = 1 WHERE id = 2;\n");
    }

    private String refusal(String path) {
        return assertThrows(Refusal.class, () -> reader.read(checkout, path)).getMessage();
    }

    @Test
    void readsTheScriptAndRecordsTheChecksumOfItsBytes() throws IOException {
        Script script = reader.read(checkout, "./scripts/fix.sql");
        assertEquals("scripts/fix.sql", script.path());
        assertEquals(ScriptReader.sha256(Files.readAllBytes(checkout.resolve("scripts/fix.sql"))), script.checksum());
        assertEquals(64, script.checksum().length());
        assertEquals("UPDATE t SET a = 1 WHERE id = 2;\n", script.text());
    }

    @Test
    void checksumIsTheKnownSha256() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                ScriptReader.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void readsAnAbsolutePathInsideTheCheckoutAsTheRelativePathItIs() {
        Script script = reader.read(checkout, checkout.toAbsolutePath().resolve("scripts/fix.sql").toString());
        assertEquals("scripts/fix.sql", script.path());
    }

    @Test
    void refusesAbsolutePathsOutsideTheCheckout() throws IOException {
        Path outside = Files.writeString(base.resolve("outside.sql"), "SELECT 1;");
        assertTrue(refusal(outside.toAbsolutePath().toString()).contains("outside the checkout"));
        assertTrue(refusal(checkout.toAbsolutePath().resolve("scripts/../../outside.sql").toString())
                .contains("outside the checkout"));
    }

    @Test
    void aByteOrderMarkOrWindowsLineEndingsDoNotMakeAnotherScript() throws IOException {
        String sql = "-- @description line endings\nUPDATE t SET a = 'x\ny' WHERE id = 2;\n";
        Files.writeString(checkout.resolve("scripts/lf.sql"), sql);
        Files.write(checkout.resolve("scripts/bom.sql"), withByteOrderMark(sql.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(checkout.resolve("scripts/crlf.sql"), sql.replace("\n", "\r\n"));
        Files.write(checkout.resolve("scripts/both.sql"),
                withByteOrderMark(sql.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
        Script lf = reader.read(checkout, "scripts/lf.sql");
        assertEquals(ScriptReader.sha256(sql.getBytes(StandardCharsets.UTF_8)), lf.checksum(), "sha256sum of an LF file");
        for (String variant : List.of("scripts/bom.sql", "scripts/crlf.sql", "scripts/both.sql")) {
            Script script = reader.read(checkout, variant);
            assertEquals(sql, script.text(), variant + ": the text run is the text checksummed");
            assertEquals(lf.checksum(), script.checksum(), variant);
        }
        assertEquals("line endings", io.prodscript.engine.ScriptEngine.create().withoutRescue()
                .plan(reader.read(checkout, "scripts/both.sql")).directives().description());
    }

    @Test
    void refusesACarriageReturnThatEndsNoLine() throws IOException {
        Files.writeString(checkout.resolve("scripts/cr.sql"), "SELECT 1;\nUPDATE t SET a = 'x\ry' WHERE id = 2;\n");
        Refusal refusal = assertThrows(Refusal.class, () -> reader.read(checkout, "scripts/cr.sql"));
        assertTrue(refusal.getMessage().contains("carriage return"), refusal.getMessage());
        assertEquals(2, refusal.line().getAsInt());
    }

    private static byte[] withByteOrderMark(byte[] sql) {
        byte[] bytes = new byte[sql.length + 3];
        bytes[0] = (byte) 0xEF;
        bytes[1] = (byte) 0xBB;
        bytes[2] = (byte) 0xBF;
        System.arraycopy(sql, 0, bytes, 3, sql.length);
        return bytes;
    }

    @Test
    void refusesPathsLeavingTheCheckout() throws IOException {
        Files.writeString(base.resolve("outside.sql"), "SELECT 1;");
        assertTrue(refusal("scripts/../../outside.sql").contains("leaves the checkout"));
    }

    @Test
    void refusesSymbolicLinksPointingOutside() throws IOException {
        Files.writeString(base.resolve("secret.sql"), "SELECT 1;");
        Files.createSymbolicLink(checkout.resolve("scripts/link.sql"), base.resolve("secret.sql"));
        assertTrue(refusal("scripts/link.sql").contains("outside the checkout"));
    }

    @Test
    void followsSymbolicLinksThatStayInside() throws IOException {
        Files.createSymbolicLink(checkout.resolve("scripts/alias.sql"), checkout.resolve("scripts/fix.sql"));
        assertEquals("scripts/alias.sql", reader.read(checkout, "scripts/alias.sql").path());
    }

    @Test
    void aMissingCheckoutIsRefusedInWordsNotWithAnExceptionName() {
        String message = assertThrows(Refusal.class, () -> reader.read(base.resolve("no-such-checkout"), "scripts/fix.sql")).getMessage();
        assertTrue(message.endsWith("cannot be resolved: it does not exist"), message);
        assertTrue(!message.contains("Exception"), message);
    }

    @Test
    void refusesMissingFilesAndDirectories() throws IOException {
        assertTrue(refusal("scripts/missing.sql").contains("does not exist"));
        Files.createDirectories(checkout.resolve("scripts/dir.sql"));
        assertTrue(refusal("scripts/dir.sql").contains("not a regular file"));
    }

    @Test
    void refusesOtherFileTypes() throws IOException {
        Files.writeString(checkout.resolve("scripts/run.sh"), "rm -rf /");
        assertTrue(refusal("scripts/run.sh").contains(".sql"));
    }

    @Test
    void refusesEmptyAndBlankScripts() throws IOException {
        Files.writeString(checkout.resolve("scripts/empty.sql"), "");
        Files.writeString(checkout.resolve("scripts/blank.sql"), " \n\t\n");
        assertTrue(refusal("scripts/empty.sql").contains("empty"));
        assertTrue(refusal("scripts/blank.sql").contains("empty"));
    }

    @Test
    void refusesInvalidUtf8() throws IOException {
        Files.write(checkout.resolve("scripts/latin1.sql"), new byte[] {'S', 'E', 'L', 'E', 'C', 'T', ' ', '\'', (byte) 0xE9, '\'', ';'});
        assertTrue(refusal("scripts/latin1.sql").contains("UTF-8"));
    }

    @Test
    void refusesScriptsOverTheSizeLimit() throws IOException {
        Files.writeString(checkout.resolve("scripts/big.sql"), "SELECT 1;\n".repeat(101));
        assertTrue(refusal("scripts/big.sql").contains("over the limit of 1000"));
    }

    @Test
    void refusesAMissingPath() {
        assertTrue(refusal(" ").contains("no script path"));
    }
}
