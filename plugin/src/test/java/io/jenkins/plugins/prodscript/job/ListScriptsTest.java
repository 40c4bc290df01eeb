package io.jenkins.plugins.prodscript.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What SCRIPT offers: the .sql files under the scripts directory of a checkout, and nothing that leads elsewhere. */
class ListScriptsTest {
    @TempDir
    Path checkout;

    private void file(String path) throws Exception {
        Path file = checkout.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "SELECT 1;\n");
    }

    @Test
    void offersTheSqlFilesUnderTheDirectoryNewestNameFirst() throws Exception {
        file("scripts/2024-05-01-fix.sql");
        file("scripts/2024-06/02-backfill.sql");
        file("scripts/notes.txt");
        file("other/2030-01-01-elsewhere.sql");

        assertEquals(List.of("scripts/2024-06/02-backfill.sql", "scripts/2024-05-01-fix.sql"),
                ListScripts.list(checkout, "scripts"));
    }

    @Test
    void anEmptyDirectoryMeansTheWholeCheckoutWithoutGitInternals() throws Exception {
        file("a.sql");
        file("scripts/b.sql");
        file(".git/hooks/c.sql");

        assertEquals(List.of("scripts/b.sql", "a.sql"), ListScripts.list(checkout, ""));
    }

    @Test
    void symbolicLinksAreNotOffered() throws Exception {
        file("scripts/real.sql");
        Path outside = Files.createTempFile("outside", ".sql");
        Files.createSymbolicLink(checkout.resolve("scripts/link.sql"), outside);

        assertEquals(List.of("scripts/real.sql"), ListScripts.list(checkout, "scripts"));
    }

    @Test
    void aMissingDirectoryOffersNothing() throws Exception {
        assertEquals(List.of(), ListScripts.list(checkout, "scripts"));
    }
}
