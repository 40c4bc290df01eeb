package io.prodscript.engine.rescue;

/**
 * How rescue saves the rows an UPDATE changes. INSERT is saved in one pass on every server; DELETE is copied first when
 * its condition picks the same rows twice in one snapshot, else saved in one pass (whichever method is chosen here).
 */
public enum CaptureMethod {
    /** In one pass with {@code RETURNING old.*} where the server has it (PostgreSQL 18 and later), else {@link #COPY_FIRST}. */
    AUTOMATIC,
    /**
     * Copy the rows first, in the same snapshot, then run the UPDATE: what servers before PostgreSQL 18 get. Chosen
     * explicitly only to exercise that path on a newer server.
     */
    COPY_FIRST
}
