package io.jenkins.plugins.prodscript.audit;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.io.Serializable;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * Rows one statement saves in one table: its own table, or a table its change reaches through a foreign key (a
 * cascade), which approvers must see since the script does not name it. A plain value for {@code build.xml}.
 */
@ExportedBean(defaultVisibility = 3)
public final class TableRows implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int statement;
    private final String table;
    private final long rows;
    private final String reachedThrough;

    /**
     * @param statement      the statement's number
     * @param table          the table, schema-qualified
     * @param rows           how many of its rows the statement changes (a rehearsal: would change)
     * @param reachedThrough for a cascade, the foreign key and its action; null for the statement's own table
     */
    public TableRows(int statement, String table, long rows, @CheckForNull String reachedThrough) {
        this.statement = statement;
        this.table = table;
        this.rows = rows;
        this.reachedThrough = reachedThrough;
    }

    @Exported
    public int getStatement() {
        return statement;
    }

    @Exported
    public String getTable() {
        return table;
    }

    @Exported
    public long getRows() {
        return rows;
    }

    /** The foreign key and action a cascade goes through, e.g. {@code order_lines_order_id_fkey ON DELETE CASCADE}. */
    @Exported
    public @CheckForNull String getReachedThrough() {
        return reachedThrough;
    }

    public boolean isCascaded() {
        return reachedThrough != null;
    }
}
