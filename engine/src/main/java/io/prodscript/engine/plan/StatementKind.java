package io.prodscript.engine.plan;

/** What a statement does, as far as review, rescue and reporting care. */
public enum StatementKind {
    INSERT,
    UPDATE,
    DELETE,
    /** MERGE: inserts, updates and deletes rows of one table in one statement. */
    MERGE,
    /** Creates, alters or drops schema objects, or changes privileges or comments; also SELECT … INTO a new table. */
    DDL,
    /** Reads only: SELECT, VALUES, TABLE, SHOW, EXPLAIN. */
    SELECT,
    /** Changes rows in a way the statement's row count does not show: TRUNCATE, CALL, REFRESH MATERIALIZED VIEW, writable WITH. */
    OTHER,
    /** Changes no rows: SET, RESET, LOCK, ANALYZE, CLUSTER, REINDEX, cursors. */
    UTILITY;

    /** Whether the statement changes rows of a table in a way the ledger counts. */
    public boolean changesRows() {
        return this == INSERT || this == UPDATE || this == DELETE || this == MERGE;
    }
}
