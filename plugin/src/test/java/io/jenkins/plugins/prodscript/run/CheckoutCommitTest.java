package io.jenkins.plugins.prodscript.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.FilePath;
import java.io.File;
import org.junit.jupiter.api.Test;

/** Which checkout's commit a script's record names, without Jenkins. */
class CheckoutCommitTest {
    @Test
    void gitIsAskedOnlyAboutDirectoriesInsideTheWorkspace() {
        FilePath workspace = new FilePath(new File("/ws"));
        assertNull(CheckoutCommit.directoryOf(workspace, "../other/x.sql"));
        assertNull(CheckoutCommit.directoryOf(workspace, "scripts/../../x.sql"));
        assertNull(CheckoutCommit.directoryOf(workspace, "/etc/x.sql"));
        assertNull(CheckoutCommit.directoryOf(workspace, "C:\\x.sql"));
        assertNull(CheckoutCommit.directoryOf(workspace, null));
        assertTrue(CheckoutCommit.directoryOf(workspace, "scripts/x..y.sql") != null, "dots inside a name are fine");
    }

    @Test
    void aRepositoryAboveTheWorkspaceDoesNotCount() {
        assertTrue(CheckoutCommit.insideWorkspace("/ws", "/ws"));
        assertTrue(CheckoutCommit.insideWorkspace("/ws/lib", "/ws"));
        assertTrue(CheckoutCommit.insideWorkspace("C:/ws/lib", "C:\\ws"));
        assertFalse(CheckoutCommit.insideWorkspace("/", "/ws"));
        assertFalse(CheckoutCommit.insideWorkspace("/ws2", "/ws"));
    }
}
