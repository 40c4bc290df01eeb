package io.prodscript.engine.containment;

import io.prodscript.engine.plan.Plan;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The run-start checks that keep a script inside its transaction and in its approvers' sight, run in the run's
 * session before its first statement, for a rehearsal exactly as for a run: the tables it writes lie outside the
 * engine's schemas ({@link EngineSchemaCheck}), the functions it calls ({@link FunctionCheck}) and the triggers its
 * writes fire ({@link TriggerCheck}). A reversal whose script asks for
 * it ({@code @triggers-suppressed}) first switches the session to {@code session_replication_role = replica}, for
 * this transaction only.
 */
public final class Containment {
    private Containment() {
    }

    /** The schema of the engine's ledger, which no script may write. */
    private static final String LEDGER_SCHEMA = "script_runner";

    /**
     * @param reversal     whether the run is the reversal of another run: only a reversal may suppress triggers
     * @param rescueSchema the target's rescue schema, which no script may write
     */
    public static Result check(Handle handle, Plan plan, boolean reversal, String rescueSchema) throws SQLException {
        if (plan.directives().triggersSuppressed() != null) {
            Optional<Breach> refused = suppressTriggers(handle, reversal);
            if (refused.isPresent()) {
                return new Result(List.of(), refused.get());
            }
        }
        ResolvedTables tables = new ResolvedTables(handle);
        Optional<Breach> engineSchema = new EngineSchemaCheck(tables).check(plan, Set.of(LEDGER_SCHEMA, rescueSchema));
        if (engineSchema.isPresent()) {
            return new Result(List.of(), engineSchema.get());
        }
        Optional<Breach> function = new FunctionCheck(handle).check(plan);
        if (function.isPresent()) {
            return new Result(List.of(), function.get());
        }
        TriggerCheck.Result triggers = new TriggerCheck(tables).check(plan);
        return new Result(triggers.firing(), triggers.breach());
    }

    /**
     * The enabled user triggers on these tables and on the tables their foreign keys reach, whatever event they
     * fire on (without reasons): what a script writing them must acknowledge.
     *
     * @param tables table names as SQL would write them
     */
    public static List<FiringTrigger> triggersOn(Handle handle, List<String> tables) {
        return new TriggerCheck(new ResolvedTables(handle)).on(tables);
    }

    private static Optional<Breach> suppressTriggers(Handle handle, boolean reversal) throws SQLException {
        if (!reversal) {
            return Optional.of(new Breach(null, null, "@triggers-suppressed is only for reversals: suppressing"
                    + " triggers also suspends foreign-key checks, which a forward change must never do"));
        }
        Savepoint savepoint = handle.getConnection().setSavepoint();
        try {
            handle.execute("SELECT set_config('session_replication_role', 'replica', true)");
            handle.getConnection().releaseSavepoint(savepoint);
            return Optional.empty();
        } catch (RuntimeException denied) {
            handle.getConnection().rollback(savepoint);
            return Optional.of(new Breach(null, null, "this reversal suppresses triggers, but the login may not set"
                    + " session_replication_role (it takes a superuser, or GRANT SET ON PARAMETER"
                    + " session_replication_role); generate the reversal without suppressing triggers"));
        }
    }

    /**
     * What the checks found.
     *
     * @param triggers the triggers that will fire, each acknowledged by the script
     * @param breach   why the run must not start, or null
     */
    public record Result(List<FiringTrigger> triggers, Breach breach) {
        public Result {
            triggers = List.copyOf(triggers);
        }
    }
}
