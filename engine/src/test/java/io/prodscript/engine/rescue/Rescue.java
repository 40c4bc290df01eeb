package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.execution.Mode;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.RunResult;
import io.prodscript.engine.execution.RunStatus;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.testing.Scripts;
import io.prodscript.engine.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;

/** Runs scripts and reversals through an engine with rescue, against a {@link TestDatabase}. */
final class Rescue {
    private final TestDatabase db;
    private final ScriptEngine engine;

    Rescue(TestDatabase db, CaptureMethod method) {
        this.db = db;
        this.engine = ScriptEngine.create().withRescue(method);
    }

    Rescue(TestDatabase db) {
        this(db, CaptureMethod.AUTOMATIC);
    }

    ScriptEngine engine() {
        return engine;
    }

    Plan plan(String sql) {
        return engine.plan(Scripts.script(sql));
    }

    RunResult run(String sql, Mode mode) {
        return engine.prepare(RunRequest.of(plan(sql), Scripts.target(db), Scripts.credentials(), mode, "alice"), e -> { }).run();
    }

    /** Runs a script that must commit. */
    RunResult commit(String sql) {
        RunResult result = run(sql, Mode.RUN);
        assertEquals(RunStatus.COMMITTED, result.status(), () -> String.valueOf(result.failure()));
        return result;
    }

    Plan reversal(String runId) throws SQLException {
        return engine.reversal(Scripts.target(db), Scripts.credentials(), runId);
    }

    RunResult reverse(String runId, Mode mode, boolean force) throws SQLException {
        return engine.prepare(RunRequest.of(reversal(runId), Scripts.target(db), Scripts.credentials(), mode, "bob")
                .withRevertsRunId(runId).withForce(force), e -> { }).run();
    }

    /** The values of one query column, in order, for fixtures and checks. */
    List<String> column(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    String single(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }
}
