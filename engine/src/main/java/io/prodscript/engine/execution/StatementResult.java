package io.prodscript.engine.execution;

import io.prodscript.engine.plan.StatementKind;
import java.util.List;

/**
 * What one statement did.
 *
 * @param number         the statement's position in the script, from 1
 * @param line           the line it starts on
 * @param kind           what it is
 * @param tables         the tables it writes (or reads, for a SELECT)
 * @param rows           rows inserted, updated or deleted (rows returned, for a SELECT; 0 for DDL)
 * @param durationMillis how long it ran; statements sent to the server together in one round trip share the round's
 *                       time evenly
 */
public record StatementResult(int number, int line, StatementKind kind, List<String> tables, long rows, long durationMillis) {
    public StatementResult {
        tables = List.copyOf(tables);
    }
}
