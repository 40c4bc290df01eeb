package io.prodscript.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunListener;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The examples rehearse on a freshly loaded shop, each on its own, in any order; the one that depends on another says
 * so in its header and rehearses once that one has run; the one that shows a failing check fails.
 */
class ExamplesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String NOTES = "examples/2026-03-03-add-order-notes.sql";

    @Test
    void eachExampleRehearsesOnAFreshShopOrSaysWhatItDependsOn() throws Exception {
        List<String> examples;
        try (Stream<Path> files = Files.list(ROOT.resolve("examples"))) {
            examples = files.filter(f -> f.toString().endsWith(".sql")).map(f -> "examples/" + f.getFileName()).sorted().toList();
        }
        assertTrue(examples.size() >= 4, examples::toString);
        ScriptEngine engine = ScriptEngine.create();
        for (String example : examples) {
            try (DemoDatabase database = DemoDatabase.start()) {
                database.load(ROOT.resolve(DemoCommand.SHOP));
                // As the demo does: a run needs the ledger installed on its target.
                engine.install(database.target(), database.credentials());
                RunResult result = rehearse(engine, database, example, Mode.REHEARSE);
                if (example.equals(DemoCommand.LOAD_TEST)) {
                    assertEquals(RunStatus.FAILED, result.status(), example + " shows a failing check");
                } else if (example.equals(NOTES)) {
                    assertEquals(RunStatus.FAILED, result.status(), example);
                    assertTrue(Files.readString(ROOT.resolve(example)).contains("Depends on " + DemoCommand.CANCEL_ORDERS
                            .substring("examples/".length())), example + " says what it depends on");
                    assertEquals(RunStatus.COMMITTED, rehearse(engine, database, DemoCommand.CANCEL_ORDERS, Mode.RUN).status());
                    assertEquals(RunStatus.REHEARSED, rehearse(engine, database, example, Mode.REHEARSE).status(),
                            () -> example + " after its dependency");
                } else {
                    assertEquals(RunStatus.REHEARSED, result.status(), () -> example + ": " + result.failure());
                }
            }
        }
    }

    private static RunResult rehearse(ScriptEngine engine, DemoDatabase database, String example, Mode mode) {
        return engine.prepare(RunRequest.of(engine.plan(engine.read(ROOT, example)), database.target(),
                database.credentials(), mode, "test"), RunListener.NONE).run();
    }
}
