package io.prodscript.engine.rescue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.plan.StatementKind;
import io.prodscript.engine.sql.SqlParser;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.update.Update;

/** The SQL that saves what a statement changes, inside the run's transaction, and describes what it saved. */
final class CaptureSql {
    /** The name under which a capture refers to the rows it saves. */
    private static final String CHANGED = "prodscript_changed";
    /** The name PostgreSQL 18 gives the rows' values before the UPDATE; explicit, so a table aliased "old" still works. */
    private static final String OLD = "prodscript_old";

    private CaptureSql() {
    }

    /**
     * Creates the rescue table: for UPDATE and DELETE a table like the source (same columns and types; no
     * constraints, defaults or generated expressions, so saved rows are stored exactly as they were); for INSERT a
     * table of the key columns alone. Either way a last column tells which statement saved the row.
     */
    static String createTable(PlannedCapture capture) {
        String statement = Sql.quote(RescueTableNames.STATEMENT_COLUMN);
        if (capture.kind() == StatementKind.INSERT) {
            return "CREATE TABLE " + capture.qualifiedRescueTable() + " AS SELECT " + Sql.columns(capture.keyColumns())
                    + ", 0 AS " + statement + " FROM " + capture.table().qualified() + " WITH NO DATA";
        }
        return "CREATE TABLE " + capture.qualifiedRescueTable() + " (LIKE " + capture.table().qualified() + ", "
                + statement + " integer NOT NULL)";
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
     * @param returningOld whether the server has PostgreSQL 18's {@code RETURNING old.*}; an UPDATE needs it
     */
    static String singlePass(PlannedCapture capture, boolean returningOld) {
        String returning = switch (capture.kind()) {
            case UPDATE -> {
                if (!returningOld) {
                    throw new IllegalStateException("an UPDATE is captured in one pass only where RETURNING old.* exists");
                }
                yield "RETURNING WITH (OLD AS " + OLD + ") " + OLD + ".*";
            }
            // The deleted rows are exactly the old values; the reference keeps DELETE … USING's other tables out.
            case DELETE -> "RETURNING " + capture.write().reference() + ".*";
            case INSERT -> "RETURNING " + Sql.columns(capture.keyColumns());
            default -> throw new IllegalArgumentException(capture.kind() + " is not captured");
        };
        return "WITH " + CHANGED + " AS (\n" + capture.write().textWithoutReturning() + "\n" + returning + "\n)\n"
                + "INSERT INTO " + capture.qualifiedRescueTable() + " SELECT *, " + capture.number() + " FROM " + CHANGED;
    }

    /**
     * For servers before PostgreSQL 18: copies the rows an UPDATE will change, before it runs. The copy reads the
     * same snapshot the UPDATE will (REPEATABLE READ), so the UPDATE finds exactly these rows, or fails with a
     * serialization error when another transaction changed one of them meanwhile. The copy is built from the
     * UPDATE's own parse tree: its target (with alias) in FROM and its condition in WHERE; an UPDATE … FROM becomes
     * {@code WHERE EXISTS (SELECT 1 FROM <its FROM list> WHERE <its condition>)}, so a row the join matches more
     * than once is copied once, as the UPDATE changes it once.
     */
    static String copyFirst(PlannedCapture capture) {
        // The condition is re-printed from a tree of the statement's own text (a shared reading has placeholders).
        if (!(SqlParser.parseCopy(capture.write().planned().sql()) instanceof Update update)) {
            throw new Refusal("rescue cannot read this UPDATE's own text to copy its rows before it runs, which"
                    + " PostgreSQL before 18 needs; run it with '-- @rescue none: <reason>' or a '-- @revert' section",
                    capture.write().planned().line());
        }
        Expression condition = update.getWhere();
        if (update.getFromItem() != null) {
            PlainSelect joined = new PlainSelect().addSelectItems(new LongValue(1))
                    .withFromItem(update.getFromItem()).withJoins(update.getJoins()).withWhere(condition);
            condition = new ExistsExpression().withRightExpression(new ParenthesedSelect().withSelect(joined));
        }
        PlainSelect copy = new PlainSelect()
                .addSelectItems(new AllTableColumns(new Table(capture.write().reference())), new LongValue(capture.number()))
                .withFromItem(update.getTable())
                .withWhere(condition);
        copy.setWithItemsList(update.getWithItemsList());
        return "INSERT INTO " + capture.qualifiedRescueTable() + "\n" + copy;
    }

    /**
     * The smallest and largest key each statement saved into a rescue table, as rows (statement, smallest, largest).
     * A key is shown as text: the value itself for a one-column key, the row {@code (a,b)} for a composite key;
     * keys are ordered column by column in their types' own order, which every type a unique index accepts has.
     * A table only one statement saved into is scanned twice, once for each extreme; a shared table is sorted.
     *
     * @param statements the statements that saved rows into the table
     */
    static String keyRanges(String rescueTable, List<String> keys, List<Integer> statements) {
        String key = (keys.size() == 1 ? Sql.quote(keys.get(0)) : "ROW(" + Sql.columns(keys) + ")") + "::text";
        String statement = Sql.quote(RescueTableNames.STATEMENT_COLUMN);
        String ascending = Sql.columns(keys);
        String descending = String.join(", ", keys.stream().map(k -> Sql.quote(k) + " DESC").toList());
        if (statements.size() == 1) {
            return "SELECT " + statements.get(0) + ", (SELECT " + key + " FROM " + rescueTable + " ORDER BY " + ascending
                    + " LIMIT 1), (SELECT " + key + " FROM " + rescueTable + " ORDER BY " + descending + " LIMIT 1)";
        }
        return "SELECT first." + statement + ", first.key, last.key"
                + " FROM (SELECT DISTINCT ON (" + statement + ") " + statement + ", " + key + " AS key FROM " + rescueTable
                + " ORDER BY " + statement + ", " + ascending + ") AS first"
                + " JOIN (SELECT DISTINCT ON (" + statement + ") " + statement + ", " + key + " AS key FROM " + rescueTable
                + " ORDER BY " + statement + ", " + descending + ") AS last USING (" + statement + ")";
    }
}
