package io.prodscript.engine;

import io.prodscript.engine.execution.Credentials;
import io.prodscript.engine.execution.DatabaseConnector;
import io.prodscript.engine.execution.DatabaseTarget;
import io.prodscript.engine.execution.Execution;
import io.prodscript.engine.execution.RunListener;
import io.prodscript.engine.execution.RunRequest;
import io.prodscript.engine.execution.StatementRunner;
import io.prodscript.engine.ledger.Ledger;
import io.prodscript.engine.ledger.LedgerEntry;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.Planner;
import io.prodscript.engine.script.Script;
import io.prodscript.engine.script.ScriptReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The engine's front door: read a script from a checkout, plan it, and prepare a rehearsal or run against a
 * target. Instances are immutable and thread-safe; {@code with…} methods return changed copies.
 *
 * <pre>{@code
 * ScriptEngine engine = ScriptEngine.create();
 * Plan plan = engine.plan(engine.read(checkout, "scripts/2024-05-fix-emails.sql"));
 * RunResult result = engine.prepare(RunRequest.of(plan, target, credentials, Mode.REHEARSE, "alice"), listener).run();
 * }</pre>
 */
public final class ScriptEngine {
    private final ScriptReader reader;
    private final StatementRunner statementRunner;
    private final Clock clock;

    private ScriptEngine(ScriptReader reader, StatementRunner statementRunner, Clock clock) {
        this.reader = reader;
        this.statementRunner = statementRunner;
        this.clock = clock;
    }

    /** An engine with default limits. */
    public static ScriptEngine create() {
        return new ScriptEngine(new ScriptReader(), StatementRunner.PLAIN, Clock.systemUTC());
    }

    /** The same engine refusing scripts larger than {@code maxBytes}. */
    public ScriptEngine withMaxScriptBytes(long maxBytes) {
        return new ScriptEngine(new ScriptReader(maxBytes), statementRunner, clock);
    }

    /**
     * Reads a script from a checkout.
     *
     * @throws Refusal when the path or file is not acceptable; no database is touched
     */
    public Script read(Path checkoutRoot, String relativePath) {
        return reader.read(checkoutRoot, relativePath);
    }

    /**
     * Plans a script.
     *
     * @throws Refusal naming the line when the script cannot run safely; no database is touched
     */
    public Plan plan(Script script) {
        return Planner.plan(script);
    }

    /** Prepares a run or rehearsal; nothing happens until {@link Execution#run()}. */
    public Execution prepare(RunRequest request, RunListener listener) {
        return new Execution(request, listener, statementRunner, clock);
    }

    /** The target's ledger, newest first. */
    public List<LedgerEntry> history(DatabaseTarget target, Credentials credentials, int limit) throws SQLException {
        try (Connection connection = DatabaseConnector.connect(target, credentials, "prodscript ledger");
             Handle handle = Jdbi.open(connection)) {
            Ledger ledger = new Ledger(handle);
            ledger.ensureSchema();
            return ledger.history(limit);
        }
    }
}
