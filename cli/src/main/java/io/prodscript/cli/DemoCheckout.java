package io.prodscript.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * A temporary checkout holding the example scripts that ship inside the jar, so the demo reads them through the
 * engine's intake checks exactly as Jenkins reads scripts from a Git checkout.
 */
final class DemoCheckout implements AutoCloseable {
    private final Path root;

    private DemoCheckout(Path root) {
        this.root = root;
    }

    /** Copies the named class-path resources (e.g. {@code examples/setup/shop.sql}) to the same paths in a new directory. */
    static DemoCheckout extract(List<String> resources) throws IOException {
        DemoCheckout checkout = new DemoCheckout(Files.createTempDirectory("prodscript-demo-"));
        try {
            for (String resource : resources) {
                checkout.copy(resource);
            }
        } catch (IOException | RuntimeException e) {
            checkout.close();
            throw e;
        }
        return checkout;
    }

    private void copy(String resource) throws IOException {
        try (InputStream in = DemoCheckout.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the jar does not contain " + resource);
            }
            Path file = root.resolve(resource);
            Files.createDirectories(file.getParent());
            Files.copy(in, file);
        }
    }

    Path root() {
        return root;
    }

    Path file(String relativePath) {
        return root.resolve(relativePath);
    }

    @Override
    public void close() throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
