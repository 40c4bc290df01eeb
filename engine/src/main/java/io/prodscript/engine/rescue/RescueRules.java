package io.prodscript.engine.rescue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.PlannedStatement;
import java.util.Optional;

/**
 * The planning-time rule of rescue: every statement's changes can be saved for a reversal, or the script says how it
 * is undone otherwise. Whether each table has a key is only known from the database, so that is checked when the
 * run starts (before any statement runs).
 */
public final class RescueRules {
    /** What a script can do about a statement rescue cannot save. */
    static final String ALTERNATIVES = "Declare '-- @rescue none: <reason>' in the script's header to run without a way"
            + " back, or write the reversal in a '-- @revert' section";

    private RescueRules() {
    }

    /**
     * @throws Refusal naming the first statement whose changes rescue cannot save, unless the script declares
     *                 {@code @rescue none} or has a {@code @revert} section
     */
    public static void requireWayBack(Plan plan) {
        if (plan.directives().rescueNone() != null || plan.revertSql() != null) {
            return;
        }
        for (PlannedStatement statement : plan.statements()) {
            Optional<String> obstacle = WriteStatement.obstacle(statement);
            if (obstacle.isPresent()) {
                throw new Refusal("statement " + statement.number() + " (" + statement.kind()
                        + (statement.tables().isEmpty() ? "" : " " + String.join(", ", statement.tables()))
                        + ") cannot be saved for a reversal: " + obstacle.get() + ". " + ALTERNATIVES, statement.line());
            }
        }
    }
}
