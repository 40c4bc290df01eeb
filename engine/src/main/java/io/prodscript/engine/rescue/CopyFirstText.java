package io.prodscript.engine.rescue;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.sql.SqlParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.update.Update;

/**
 * The query that selects the rows an UPDATE or DELETE will change, made of the statement's own text: its WITH list,
 * its target (with alias), its FROM or USING list and its condition, each cut from the reviewed text, become
 * {@code [WITH …] SELECT <target>.* FROM <target> WHERE EXISTS (SELECT 1 FROM <list> WHERE <condition>)} (or just
 * {@code WHERE <condition>} without a list), so a row a join matches more than once is selected once, as the
 * statement changes it once.
 *
 * <p>JSqlParser does not say where a clause starts, and SQL re-printed from its tree is not the reviewed text (it
 * reads {@code U&'…'} as a column {@code u}, and loses the operator {@code !~~}). So the cuts are tried at every
 * occurrence of the clause keywords, and a cut is accepted only when the query made of the cut pieces parses to the
 * same tree as the query built from the statement's parse tree. When no cut is accepted the statement is refused.
 */
final class CopyFirstText {
    private static final Pattern UPDATE = Pattern.compile("(?i)\\bupdate\\b");
    private static final Pattern DELETE = Pattern.compile("(?i)\\bdelete\\b");
    private static final Pattern SET = Pattern.compile("(?i)\\bset\\b");
    private static final Pattern FROM = Pattern.compile("(?i)\\bfrom\\b");
    private static final Pattern USING = Pattern.compile("(?i)\\busing\\b");
    private static final Pattern WHERE = Pattern.compile("(?i)\\bwhere\\b");

    private CopyFirstText() {
    }

    /**
     * @param text      the statement without its RETURNING clause
     * @param line      its line, for messages
     * @param reference how it refers to its target (alias or table name)
     * @param statement the statement's number, selected after {@code <reference>.*} as the rescue table's statement
     *                  column when the query fills a rescue table that has that column; null for {@code <reference>.*}
     *                  alone, when the query creates the rescue table ({@code CREATE TABLE … AS}), which gets the column
     *                  afterwards ({@link CaptureSql#addStatementColumn})
     * @throws Refusal when the pieces cannot be cut from the text exactly
     */
    static String rowsToChange(String text, int line, String reference, Integer statement) {
        // The statement's own text, not its shape: the pieces cut from the text must mean exactly this tree.
        Statement parsed = SqlParser.parseCopy(text);
        if (parsed == null) {
            throw new Refusal("rescue cannot read this statement's own text to copy the rows it will change first;"
                    + " run it with '-- @rescue none: <reason>' or a '-- @revert' section", line);
        }
        Pieces shape = Pieces.of(parsed);
        String expected = build(parsed, shape, reference, statement);
        List<Pattern> boundaries = new ArrayList<>(List.of(parsed instanceof Update ? UPDATE : DELETE));
        boundaries.add(parsed instanceof Update ? SET : FROM);
        if (shape.list() != null) {
            boundaries.add(parsed instanceof Update ? FROM : USING);
        }
        if (shape.condition() != null) {
            boundaries.add(WHERE);
        }
        Cutter cutter = new Cutter(text, line, parsed instanceof Update, shape, reference,
                statement == null ? "" : ", " + statement + " AS " + RescueTableNames.STATEMENT_COLUMN, expected, boundaries);
        return cutter.cut(new ArrayList<>(), 0)
                .orElseThrow(() -> new Refusal("rescue cannot cut this statement's condition from its text exactly, so"
                        + " it cannot copy the rows it will change first; simplify the statement (or run it on"
                        + " PostgreSQL 18, which saves them in one pass)", line));
    }

    /**
     * One statement's cutting: {@code boundaries} are the clause keywords to cut at, in order, and {@code expected}
     * the copy built from the parse tree that the cut pieces must parse to.
     */
    private record Cutter(String text, int line, boolean update, Pieces shape, String reference, String select,
                          String expected, List<Pattern> boundaries) {
        /** Tries the boundaries' occurrences in order, each after the previous one; the first accepted cut wins. */
        Optional<String> cut(List<int[]> chosen, int from) {
            if (chosen.size() == boundaries.size()) {
                String candidate = assemble(chosen);
                return SqlParser.readsAs(candidate, expected) ? Optional.of(candidate) : Optional.empty();
            }
            Matcher m = boundaries.get(chosen.size()).matcher(text);
            int start = from;
            while (m.find(start)) {
                chosen.add(new int[] {m.start(), m.end()});
                Optional<String> found = cut(chosen, m.end());
                chosen.remove(chosen.size() - 1);
                if (found.isPresent()) {
                    return found;
                }
                start = m.end();
            }
            return Optional.empty();
        }

        private String assemble(List<int[]> cuts) {
            String with = text.substring(0, cuts.get(0)[0]);
            int targetEnd = cuts.size() > 2 ? cuts.get(2)[0] : text.length();
            // UPDATE's target ends at SET; DELETE's starts after FROM and ends at USING or WHERE.
            String target = update ? text.substring(cuts.get(0)[1], cuts.get(1)[0]) : text.substring(cuts.get(1)[1], targetEnd);
            int next = 2;
            String list = null;
            if (shape.list() != null) {
                int end = next + 1 < cuts.size() ? cuts.get(next + 1)[0] : text.length();
                list = text.substring(cuts.get(next)[1], end);
                next++;
            }
            String condition = shape.condition() == null ? null : text.substring(cuts.get(next)[1]);
            // Each piece ends on a new line: the text may end in a -- comment.
            String where = list != null
                    ? "\nWHERE EXISTS (SELECT 1 FROM " + list + "\nWHERE " + (condition == null ? "true" : condition) + "\n)"
                    : condition != null ? "\nWHERE " + condition + "\n" : "";
            return with + "SELECT " + reference + ".*" + select + "\nFROM " + target + where;
        }
    }

    /** The query built from the parse tree: the reference for what the cut pieces must mean. */
    private static String build(Statement parsed, Pieces shape, String reference, Integer statement) {
        Expression condition = shape.condition();
        if (shape.list() != null) {
            PlainSelect joined = new PlainSelect().addSelectItems(new LongValue(1)).withFromItem(shape.list())
                    .withJoins(shape.joins()).withWhere(condition == null ? new BooleanValue(true) : condition);
            condition = new ExistsExpression().withRightExpression(new ParenthesedSelect().withSelect(joined));
        }
        PlainSelect copy = new PlainSelect().addSelectItems(new AllTableColumns(new Table(reference)))
                .withFromItem(shape.target()).withWhere(condition);
        if (statement != null) {
            copy.addSelectItem(new LongValue(statement), new Alias(RescueTableNames.STATEMENT_COLUMN, true));
        }
        copy.setWithItemsList(parsed instanceof Update u ? u.getWithItemsList() : ((Delete) parsed).getWithItemsList());
        // Printed and parsed again, so it compares with the candidates' trees printed the same way.
        Statement reparsed = SqlParser.parseCopy(copy.toString());
        return reparsed == null ? copy.toString() : reparsed.toString();
    }

    /** The parts of an UPDATE or DELETE a copy needs. */
    private record Pieces(Table target, FromItem list, List<Join> joins, Expression condition) {
        static Pieces of(Statement parsed) {
            if (parsed instanceof Update update) {
                return new Pieces(update.getTable(), update.getFromItem(), update.getJoins(), update.getWhere());
            }
            Delete delete = (Delete) parsed;
            List<Table> using = delete.getUsingList();
            FromItem first = using == null || using.isEmpty() ? null : using.get(0);
            List<Join> rest = using == null || using.size() < 2 ? null
                    : using.subList(1, using.size()).stream().map(t -> new Join().withSimple(true).withRightItem(t)).toList();
            return new Pieces(delete.getTable(), first, rest, delete.getWhere());
        }
    }
}
