package io.prodscript.engine.rescue;

import io.prodscript.engine.sql.Identifiers;
import io.prodscript.engine.Refusal;
import io.prodscript.engine.plan.StatementKind;
import java.util.List;

/** The SQL that saves what a statement changes, inside the run's transaction, and describes what it saved. */
final class CaptureSql {
    /** The name under which a capture refers to the rows it saves. */
    private static final String CHANGED = "prodscript_changed";
    /** The name PostgreSQL 18 gives the rows' values before the UPDATE; explicit, so a table aliased "old" still works. */
    private static final String OLD = "prodscript_old";

    private CaptureSql() {
    }

    /**
     * Creates the rescue table that a statement saved in one pass fills first: for UPDATE and DELETE a table like the
     * source (same columns and types; no constraints, defaults or generated expressions, so saved rows are stored
     * exactly as they were); for INSERT a table of the key columns alone. The statement column is added once the
     * statement's rows are in ({@link #addStatementColumn}).
     */
    static String createTable(PlannedCapture capture) {
        if (capture.kind() == StatementKind.INSERT) {
            return "CREATE TABLE " + capture.qualifiedRescueTable() + " AS SELECT " + Sql.columns(capture.keyColumns())
                    + " FROM " + capture.table().qualified() + " WITH NO DATA";
        }
        return "CREATE TABLE " + capture.qualifiedRescueTable() + " (LIKE " + capture.table().qualified() + ")";
    }

    /**
     * The statement and its capture as one statement, so both see the same rows by construction: the statement
     * becomes a data-modifying WITH item whose RETURNING list feeds an INSERT into the rescue table. The INSERT's row
     * count is the statement's own.
     *
     * <p>The RETURNING list is appended to the statement's own text rather than set on a re-printed parse tree, so the
     * database runs the reviewed text. Appending is sound because RETURNING is the last clause of INSERT, UPDATE and
     * DELETE and the statement's own RETURNING clause, if any, has been cut off ({@link ReturningClauses}); it starts
     * on a new line because the text may end in a {@code --} comment.
     *
     * <p>An UPDATE is saved this way only where the server has PostgreSQL 18's {@code RETURNING old.*}.
     */
    static String singlePass(PlannedCapture capture) {
        String returning = switch (capture.kind()) {
            case UPDATE -> "RETURNING WITH (OLD AS " + OLD + ") " + OLD + ".*";
            // The deleted rows are exactly the old values; the reference keeps DELETE … USING's other tables out.
            case DELETE -> "RETURNING " + capture.write().reference() + ".*";
            case INSERT -> "RETURNING " + Sql.columns(capture.keyColumns());
            default -> throw new IllegalArgumentException(capture.kind() + " is not captured");
        };
        // The statement that creates the table saves its rows without the statement column, added after them.
        return "WITH " + CHANGED + " AS (\n" + capture.write().textWithoutReturning() + "\n" + returning + "\n)\n"
                + "INSERT INTO " + capture.qualifiedRescueTable() + " SELECT *" + (capture.createsTable() ? "" : ", " + capture.number())
                + " FROM " + CHANGED;
    }

    /**
     * Copies the rows an UPDATE or DELETE will change, before it runs: what servers before PostgreSQL 18 get for an
     * UPDATE, every statement whose foreign keys reach other tables (their rows must be saved before the statement
     * changes them), and a DELETE whose condition picks the same rows twice ({@link RepeatableDeletes}). The copy
     * reads the same snapshot the statement will (REPEATABLE READ), so the statement finds exactly these rows, or
     * fails with a serialization error when another transaction changed one of them meanwhile; {@link #checkedRun}
     * then proves it key by key, or, for such a DELETE, its count does. The query is the statement's own text
     * ({@link CopyFirstText}).
     *
     * <p>A statement that is the first to use its rescue table creates it with the copy ({@code CREATE TABLE … AS}):
     * the columns of {@code <target>.*} keep their types, and the rows are written in bulk rather than through the
     * ordinary insert path, exactly as a backup made by hand would be. Like {@code LIKE}, it takes no constraint,
     * default, index or generated expression; saved rows come from the table, so they need none. The statement column
     * is added afterwards ({@link #addStatementColumn}).
     *
     * @throws io.prodscript.engine.Refusal when the statement's pieces cannot be cut from its text exactly
     */
    static String copyFirst(PlannedCapture capture) {
        String rows = CopyFirstText.rowsToChange(capture.write().textWithoutReturning(), capture.write().planned().line(),
                capture.write().reference(), capture.createsTable() ? null : capture.number());
        return (capture.createsTable() ? "CREATE TABLE " + capture.qualifiedRescueTable() + " AS\n"
                : "INSERT INTO " + capture.qualifiedRescueTable() + "\n") + rows;
    }

    /**
     * Gives a rescue table its statement column once the statement that created it ({@link #copyFirst},
     * {@link #createTable}) saved its rows, saying that statement's number for each of them. Added with a constant
     * default, the column costs no write: PostgreSQL (11 and later) keeps the value once in the catalog for the rows
     * already there instead of writing it into each, so the copy stays as large as a backup made by hand (written
     * into every row, it made each row of the benchmark's narrow table 8 bytes wider: 12 % of its DELETE's time, 3 %
     * of its UPDATE's). The default is dropped at once, so a later statement saving into the same table must name its
     * number.
     */
    static String addStatementColumn(PlannedCapture capture) {
        String table = capture.qualifiedRescueTable();
        String column = Identifiers.quote(RescueTableNames.STATEMENT_COLUMN);
        return "ALTER TABLE " + table + " ADD COLUMN " + column + " integer NOT NULL DEFAULT " + capture.number()
                + ";\nALTER TABLE " + table + " ALTER COLUMN " + column + " DROP DEFAULT";
    }

    /**
     * Runs a statement whose rows were copied first, returning one row: how many rows it changed, and how many of
     * those are not among the rows saved for it. Both sides are sets of distinct keys, so equal counts and no
     * unsaved row mean it changed exactly the rows saved. With {@code keyRange}, the row also holds the smallest and
     * largest key changed (as text), which are then those saved: no second pass over the rescue table for them.
     *
     * <p>The changed rows are matched with the saved ones by an outer join, which the planner runs as a hash or merge
     * join however many rows there are; a {@code NOT EXISTS} inside the aggregate's filter would be a subquery run
     * once per changed row, each scanning the rescue table.
     */
    static String checkedRun(PlannedCapture capture, boolean keyRange) {
        List<String> keys = capture.keyColumns();
        String returned = String.join(", ", keys.stream().map(k -> capture.write().reference() + "." + Identifiers.quote(k)).toList());
        String first = CHANGED + "." + Identifiers.quote(keys.get(0));
        String range = keyRange ? ", min(" + first + ")::text, max(" + first + ")::text" : "";
        return "WITH " + CHANGED + " AS (\n" + capture.write().textWithoutReturning() + "\nRETURNING " + returned + "\n)\n"
                + "SELECT count(*), count(*) FILTER (WHERE saved." + Identifiers.quote(keys.get(0)) + " IS NULL)" + range
                + " FROM " + CHANGED + " LEFT JOIN (SELECT " + Sql.columns(keys) + " FROM " + capture.qualifiedRescueTable()
                + " WHERE " + Identifiers.quote(RescueTableNames.STATEMENT_COLUMN) + " = " + capture.number() + ") AS saved ON "
                + Sql.sameKey("saved", CHANGED, keys);
    }

    /** A rescue table for the rows a foreign key reaches: like the referencing table, plus the statement column. */
    static String createCascadeTable(CascadeCapture cascade) {
        return "CREATE TABLE " + cascade.qualifiedRescueTable() + " (LIKE " + cascade.table().qualified() + ", "
                + Identifiers.quote(RescueTableNames.STATEMENT_COLUMN) + " integer NOT NULL)";
    }

    /** Saves the rows of a referencing table that reference the parent rows saved for the statement. */
    static String saveCascade(CascadeCapture cascade, int statement) {
        return "INSERT INTO " + cascade.qualifiedRescueTable() + " SELECT live.*, " + statement + " FROM "
                + cascade.table().qualified() + " AS live WHERE " + cascade.reachedBy(statement);
    }

    /** Counts the rows of a referencing table that reference the parent rows saved for the statement. */
    static String countCascade(CascadeCapture cascade, int statement) {
        return "SELECT count(*) FROM " + cascade.table().qualified() + " AS live WHERE " + cascade.reachedBy(statement);
    }

    /**
     * The smallest and largest one-column integer key each statement saved into a rescue table, as rows (statement,
     * smallest, largest) with the keys as text: one pass over the table, however many statements share it. When only
     * one statement saved rows into it ({@code onlyStatement}, else null), a plain aggregate: grouping would cost a hash
     * lookup for every row (measured: about 45–65 ms against 85–120 ms for 1,000,000 rows).
     */
    static String keyRanges(String rescueTable, String key, Integer onlyStatement) {
        String statement = Identifiers.quote(RescueTableNames.STATEMENT_COLUMN);
        String range = "min(" + Identifiers.quote(key) + ")::text, max(" + Identifiers.quote(key) + ")::text FROM " + rescueTable;
        return onlyStatement != null ? "SELECT " + onlyStatement + ", " + range
                : "SELECT " + statement + ", " + range + " GROUP BY " + statement;
    }
}
