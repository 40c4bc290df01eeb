package io.prodscript.engine.rescue;

import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.plan.StatementKind;
import io.prodscript.engine.sql.Memo;
import io.prodscript.engine.sql.SqlParser;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.ConflictActionType;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * An INSERT, UPDATE or DELETE whose changes rescue can save, as read from its parsed form.
 *
 * @param planned              the statement
 * @param reference            how the statement refers to its target table: the alias, or the bare table name
 * @param updatedColumns       for an UPDATE, the columns its SET list assigns (as the catalog spells them); else empty
 * @param textWithoutReturning the statement's text without its RETURNING clause, whose output the engine discards
 *                             anyway ({@link ReturningClauses})
 */
record WriteStatement(PlannedStatement planned, String reference, Set<String> updatedColumns, String textWithoutReturning) {
    private static final Memo<String, Reading> READINGS = new Memo<>(100_000);

    /**
     * Why rescue cannot save what a statement changes, in words that finish "statement N cannot be saved: …"; empty
     * when it can, and for statements that change no rows.
     */
    static Optional<String> obstacle(PlannedStatement statement) {
        return Optional.ofNullable(read(statement).obstacle());
    }

    /**
     * Reads a statement: how to save what it changes, or why that cannot be done (neither for a SELECT). Planning
     * reads every statement and the run reads them again, usually in the same JVM; parsing is the costliest step of a
     * run of thousands of small statements, so readings are remembered by the statement's text.
     */
    static Reading read(PlannedStatement statement) {
        return READINGS.get(statement.kind() + " " + statement.sql(), key -> readUncached(statement)).of(statement);
    }

    private static Reading readUncached(PlannedStatement statement) {
        return switch (statement.kind()) {
            case SELECT, UTILITY -> new Reading(null, null);
            case DDL -> Reading.obstacle("it changes the schema, and rescue tables hold rows, not definitions");
            // The planner classifies statements that write through WITH as OTHER too.
            case OTHER -> Reading.obstacle("it is not a plain INSERT, UPDATE or DELETE (TRUNCATE, CALL, DO, a writing"
                    + " WITH and the like), so rescue cannot tell which rows it changes");
            case MERGE -> Reading.obstacle("a MERGE can insert, update and delete rows in one statement, and rescue"
                    + " cannot yet tell which it did to each row; write it as separate INSERT, UPDATE and DELETE"
                    + " statements");
            case INSERT, UPDATE, DELETE -> readWrite(statement);
        };
    }

    private static Reading readWrite(PlannedStatement statement) {
        SqlParser.Parse parse = SqlParser.parse(statement.sql(), statement.line());
        if (!parse.succeeded()) {
            return Reading.obstacle("rescue cannot read it (" + parse.problem() + "), so it cannot tell which rows to"
                    + " save");
        }
        Statement parsed = parse.tree();
        Table target;
        Set<String> updated = new TreeSet<>();
        if (parsed instanceof Update update) {
            target = update.getTable();
            for (UpdateSet set : update.getUpdateSets()) {
                for (Column column : set.getColumns()) {
                    updated.add(catalogSpelling(column.getColumnName()));
                }
            }
        } else if (parsed instanceof Delete delete) {
            target = delete.getTable();
        } else if (parsed instanceof Insert insert) {
            if (insert.getConflictAction() != null
                    && insert.getConflictAction().getConflictActionType() == ConflictActionType.DO_UPDATE) {
                return Reading.obstacle("INSERT … ON CONFLICT DO UPDATE changes existing rows as well as adding new"
                        + " ones; write it as INSERT … ON CONFLICT DO NOTHING followed by an UPDATE");
            }
            target = insert.getTable();
        } else {
            throw new IllegalArgumentException(statement.label() + " is not an INSERT, UPDATE or DELETE");
        }
        String reference = target.getAlias() != null ? target.getAlias().getName() : target.getName();
        return ReturningClauses.withoutReturning(statement, parsed)
                .map(text -> new Reading(new WriteStatement(statement, reference, Set.copyOf(updated), text), null))
                .orElseGet(() -> Reading.obstacle("rescue cannot find where its RETURNING clause starts; remove the"
                        + " RETURNING clause, whose output the engine discards anyway"));
    }

    StatementKind kind() {
        return planned.kind();
    }

    /** The target table as the statement writes it, e.g. {@code accounts} or {@code app."Accounts"}. */
    String writtenTable() {
        return planned.tables().get(0);
    }

    /** An identifier as PostgreSQL stores it: quoted ones exactly, unquoted ones folded to lower case. */
    static String catalogSpelling(String identifier) {
        if (identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")) {
            return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
        }
        return identifier.toLowerCase(Locale.ROOT);
    }

    /**
     * What reading a statement found: the statement to save ({@code write}), or why it cannot be saved
     * ({@code obstacle}); both null for a statement that changes no rows.
     */
    record Reading(WriteStatement write, String obstacle) {
        static Reading obstacle(String reason) {
            return new Reading(null, reason);
        }

        /** The same reading for another statement with the same text (a remembered reading names its first reader). */
        Reading of(PlannedStatement statement) {
            return write == null ? this : new Reading(new WriteStatement(statement, write.reference(),
                    write.updatedColumns(), write.textWithoutReturning()), null);
        }
    }
}
