package io.prodscript.engine.rescue;

import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.sql.SqlParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Removes a statement's own RETURNING clause so rescue can put its own there. The engine discards what a script's
 * statement returns, so dropping the list changes nothing a reader of the script can observe (a RETURNING list that
 * calls functions for their side effects would lose them; docs/rescue.md says so).
 *
 * <p>JSqlParser does not report where a clause starts in the text, and re-printing its parse tree would send SQL that
 * differs from the reviewed text. So the clause is cut from the original text at an occurrence of the word
 * RETURNING, and the cut is accepted only when the parser reads the remaining text as exactly the statement minus its
 * RETURNING clause. RETURNING is the last clause of INSERT, UPDATE and DELETE, so the last acceptable cut is the one.
 * An occurrence inside a string, quoted name or comment never passes: the text before it does not parse, or parses
 * to something else.
 */
final class ReturningClauses {
    private static final Pattern WORD = Pattern.compile("(?i)\\breturning\\b");

    private ReturningClauses() {
    }

    /**
     * The statement's text without its RETURNING clause (the text itself when it has none), or empty when the clause
     * cannot be located.
     *
     * @param parsed the statement's parse tree, which is left as it is
     */
    static Optional<String> withoutReturning(PlannedStatement statement, Statement parsed) {
        if (!hasReturning(parsed)) {
            return Optional.of(statement.sql());
        }
        Statement full = SqlParser.parseCopy(statement.sql());
        if (full == null) {
            return Optional.empty();
        }
        dropReturning(full);
        String expected = full.toString();
        List<Integer> starts = new ArrayList<>();
        Matcher m = WORD.matcher(statement.sql());
        while (m.find()) {
            starts.add(m.start());
        }
        for (int i = starts.size() - 1; i >= 0; i--) {
            String before = statement.sql().substring(0, starts.get(i)).stripTrailing();
            if (SqlParser.readsAs(before, expected)) {
                return Optional.of(before);
            }
        }
        return Optional.empty();
    }

    private static boolean hasReturning(Statement parsed) {
        return parsed instanceof Update update && update.getReturningClause() != null
                || parsed instanceof Delete delete && delete.getReturningClause() != null
                || parsed instanceof Insert insert && insert.getReturningClause() != null;
    }

    private static void dropReturning(Statement parsed) {
        if (parsed instanceof Update update) {
            update.setReturningClause(null);
        } else if (parsed instanceof Delete delete) {
            delete.setReturningClause(null);
        } else if (parsed instanceof Insert insert) {
            insert.setReturningClause(null);
        }
    }
}
