package io.prodscript.engine.plan;

import java.util.List;

/**
 * One statement of a plan.
 *
 * @param number the statement's position in the script, from 1
 * @param line   the script line it starts on
 * @param kind   what it does
 * @param tables the tables it writes (for DDL: the objects it defines; for SELECT: the tables it reads), as written
 * @param sql    the statement's text, exactly as it will be sent to the database
 */
public record PlannedStatement(int number, int line, StatementKind kind, List<String> tables, String sql) {
    public PlannedStatement {
        tables = List.copyOf(tables);
    }

    /** A one-line description for logs: {@code #2 (line 7) UPDATE public.accounts}. */
    public String label() {
        return "#" + number + " (line " + line + ") " + kind + (tables.isEmpty() ? "" : " " + String.join(", ", tables));
    }
}
