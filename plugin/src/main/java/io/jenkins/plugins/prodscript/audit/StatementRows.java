package io.jenkins.plugins.prodscript.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * What one statement of a run did, as kept with the build: a plain value (no engine type) so {@code build.xml} and
 * remoting accept it.
 */
@ExportedBean(defaultVisibility = 3)
public final class StatementRows implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int number;
    private final int line;
    private final String kind;
    /** An ArrayList, not List.copyOf: XStream must be able to read build.xml back. */
    private final ArrayList<String> tables;
    private final long rows;

    public StatementRows(int number, int line, String kind, List<String> tables, long rows) {
        this.number = number;
        this.line = line;
        this.kind = kind;
        this.tables = new ArrayList<>(tables);
        this.rows = rows;
    }

    /** The statement's position in the script, from 1. */
    @Exported
    public int getNumber() {
        return number;
    }

    /** The script line it starts on. */
    @Exported
    public int getLine() {
        return line;
    }

    /** The engine's statement kind: INSERT, UPDATE, DELETE, MERGE, DDL, SELECT, UTILITY or OTHER. */
    @Exported
    public String getKind() {
        return kind;
    }

    @Exported
    public List<String> getTables() {
        return List.copyOf(tables);
    }

    /** The tables for people: comma-separated, no brackets. */
    public String getTablesText() {
        return String.join(", ", tables);
    }

    /** Rows inserted, updated or deleted (returned, for a SELECT). */
    @Exported
    public long getRows() {
        return rows;
    }
}
