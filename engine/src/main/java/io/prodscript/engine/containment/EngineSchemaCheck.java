package io.prodscript.engine.containment;

import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.plan.StatementKind;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses a statement whose table, as the run's session resolves it, lies in one of the engine's schemas: the ledger
 * ({@code script_runner}) or the target's rescue schema. The planner refuses the names as written; this check catches
 * what it cannot see: an unqualified name that {@code search_path} (a role's or database's default, which a script
 * cannot change but an earlier one or an administrator may have) resolves into the ledger, and a rescue schema the
 * target configured under another name than {@code rescue}.
 */
final class EngineSchemaCheck {
    private final ResolvedTables tables;

    EngineSchemaCheck(ResolvedTables tables) {
        this.tables = tables;
    }

    Optional<Breach> check(Plan plan, Set<String> engineSchemas) {
        for (PlannedStatement statement : plan.statements()) {
            if (statement.kind() == StatementKind.SELECT || statement.kind() == StatementKind.DDL) {
                // DDL naming an engine schema is refused by the planner; the objects it creates are not there yet.
                continue;
            }
            for (String table : statement.tables()) {
                Optional<String> schema = tables.resolve(table).map(ResolvedTables.Table::schema);
                if (schema.isPresent() && engineSchemas.contains(schema.get())) {
                    return Optional.of(new Breach(statement.number(), statement.line(), "this statement writes " + table
                            + ", which resolves to the schema " + schema.get() + " of the engine (the run ledger and the"
                            + " rescue tables); a script must not change the record of runs or the saved rows"));
                }
            }
        }
        return Optional.empty();
    }
}
