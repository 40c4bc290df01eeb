package io.prodscript.engine.rescue;

/**
 * A table as the database knows it, resolved once so that every later step names the same table whatever the
 * search path.
 *
 * @param oid       its {@code pg_class} oid
 * @param qualified schema and name, each quoted only where SQL needs it ({@code public."Weird"}): both readable and
 *                  exact, so it is what the manifest and messages show and what generated SQL uses
 * @param name      the bare table name
 */
record CatalogTable(long oid, String qualified, String name) {
}
