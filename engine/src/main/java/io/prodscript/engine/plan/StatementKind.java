package io.prodscript.engine.plan;

/** What a statement does, as far as review, rescue and reporting care. */
public enum StatementKind {
    INSERT,
    UPDATE,
    DELETE,
    /** Creates, alters or drops schema objects. */
    DDL,
    /** Reads only. */
    SELECT,
    /** Anything else the parser understood: TRUNCATE, GRANT, writable CTEs, CALL, … */
    OTHER;

    /** Whether the statement changes rows of a table in a way the ledger counts. */
    public boolean changesRows() {
        return this == INSERT || this == UPDATE || this == DELETE;
    }
}
