package io.prodscript.engine.plan;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.script.Directives;
import io.prodscript.engine.sql.SqlParser;
import io.prodscript.engine.sql.SqlStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.util.TablesNamesFinder;

/** Decides a parsed statement's kind and tables, and refuses UPDATE and DELETE that touch every row unintentionally. */
final class StatementClassifier {
    private static final List<String> DDL_PACKAGES = List.of(
            "net.sf.jsqlparser.statement.create.", "net.sf.jsqlparser.statement.alter.",
            "net.sf.jsqlparser.statement.drop.", "net.sf.jsqlparser.statement.comment.",
            "net.sf.jsqlparser.statement.grant.");

    private StatementClassifier() {
    }

    static PlannedStatement classify(int number, SqlStatement source, Directives directives) {
        Statement parsed = SqlParser.parse(source);
        List<String> writtenThroughCte = tablesWrittenThroughCte(withItems(parsed), source, directives);
        if (!writtenThroughCte.isEmpty()) {
            // Rows changed inside WITH are not in the statement's row count, so it cannot be counted as DML.
            return new PlannedStatement(number, source.line(), StatementKind.OTHER, writtenThroughCte, source.text());
        }
        StatementKind kind;
        List<String> tables;
        if (parsed instanceof Insert insert) {
            kind = StatementKind.INSERT;
            tables = List.of(insert.getTable().getFullyQualifiedName());
        } else if (parsed instanceof Update update) {
            kind = StatementKind.UPDATE;
            tables = List.of(update.getTable().getFullyQualifiedName());
            requireWhere(update.getWhere() != null, "UPDATE", source, directives);
        } else if (parsed instanceof Delete delete) {
            kind = StatementKind.DELETE;
            tables = List.of(delete.getTable().getFullyQualifiedName());
            requireWhere(delete.getWhere() != null, "DELETE", source, directives);
        } else if (parsed instanceof Select) {
            kind = StatementKind.SELECT;
            tables = tablesRead(parsed);
        } else if (parsed instanceof Truncate truncate) {
            kind = StatementKind.OTHER;
            tables = truncate.getTables().stream().map(Table::getFullyQualifiedName).toList();
            if (!directives.allowFullTable()) {
                throw new Refusal("TRUNCATE empties the whole table; add @allow-full-table to the script's header", source.line());
            }
        } else if (isDdl(parsed)) {
            kind = StatementKind.DDL;
            tables = ddlObjects(parsed);
        } else {
            kind = StatementKind.OTHER;
            tables = List.of();
        }
        return new PlannedStatement(number, source.line(), kind, tables, source.text());
    }

    private static void requireWhere(boolean hasWhere, String verb, SqlStatement source, Directives directives) {
        if (!hasWhere && !directives.allowFullTable()) {
            throw new Refusal(verb + " without WHERE changes every row of the table; add a WHERE clause or @allow-full-table to the script's header", source.line());
        }
    }

    /** PostgreSQL lets a statement write through data-modifying WITH items; such a SELECT is not read-only. */
    static boolean writesThroughCte(Select select) {
        return !tablesWrittenThroughCte(select.getWithItemsList(), null, null).isEmpty();
    }

    private static List<WithItem<?>> withItems(Statement parsed) {
        if (parsed instanceof Select select) {
            return select.getWithItemsList();
        }
        if (parsed instanceof Insert insert) {
            return insert.getWithItemsList();
        }
        if (parsed instanceof Update update) {
            return update.getWithItemsList();
        }
        if (parsed instanceof Delete delete) {
            return delete.getWithItemsList();
        }
        return null;
    }

    /**
     * The tables written by data-modifying WITH items. When a source is given, an UPDATE or DELETE among them without
     * WHERE is refused like a top-level one.
     */
    private static List<String> tablesWrittenThroughCte(List<WithItem<?>> items, SqlStatement source, Directives directives) {
        if (items == null) {
            return List.of();
        }
        List<String> tables = new ArrayList<>();
        for (WithItem<?> item : items) {
            Object body = item.getParenthesedStatement();
            if (body instanceof ParenthesedInsert insert) {
                tables.add(insert.getInsert().getTable().getFullyQualifiedName());
            } else if (body instanceof ParenthesedUpdate update) {
                tables.add(update.getUpdate().getTable().getFullyQualifiedName());
                if (source != null) {
                    requireWhere(update.getUpdate().getWhere() != null, "UPDATE", source, directives);
                }
            } else if (body instanceof ParenthesedDelete delete) {
                tables.add(delete.getDelete().getTable().getFullyQualifiedName());
                if (source != null) {
                    requireWhere(delete.getDelete().getWhere() != null, "DELETE", source, directives);
                }
            }
        }
        return tables;
    }

    private static boolean isDdl(Statement parsed) {
        String name = parsed.getClass().getName();
        return DDL_PACKAGES.stream().anyMatch(name::startsWith);
    }

    private static List<String> ddlObjects(Statement parsed) {
        if (parsed instanceof CreateTable create) {
            return List.of(create.getTable().getFullyQualifiedName());
        }
        if (parsed instanceof Alter alter) {
            return List.of(alter.getTable().getFullyQualifiedName());
        }
        if (parsed instanceof Drop drop) {
            return List.of(drop.getName().getFullyQualifiedName());
        }
        if (parsed instanceof CreateIndex index) {
            return List.of(index.getTable().getFullyQualifiedName());
        }
        if (parsed instanceof CreateView view) {
            return List.of(view.getView().getFullyQualifiedName());
        }
        return List.of();
    }

    private static List<String> tablesRead(Statement parsed) {
        try {
            // Sorted, because the finder's set has no stable order and plans must be reproducible.
            return new ArrayList<>(new TreeSet<>(new TablesNamesFinder<>().getTables(parsed)));
        } catch (RuntimeException e) {
            // TablesNamesFinder does not handle every construct; for a SELECT the tables are only informational.
            return List.of();
        }
    }
}
