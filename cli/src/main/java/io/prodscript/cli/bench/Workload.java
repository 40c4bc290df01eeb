package io.prodscript.cli.bench;

import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import java.util.function.IntFunction;

/**
 * One script the benchmark times, with the three other ways of running it that it is compared against: the script
 * alone; a prior backup as teams make one by hand (and Bytebase does), {@code CREATE TABLE … AS SELECT … WHERE <the
 * statement's own condition>} then the statement; and the SQL the engine sends to save what it changes (its capture
 * statements and its rescue table's creation and protection, as {@code io.prodscript.engine.rescue.CaptureSql} writes
 * them for this script), sent by psql, so the engine's own work shows apart from what PostgreSQL costs for that SQL.
 *
 * @param name        what it does, for the figures
 * @param script      the statements, the same text for psql and for the engine
 * @param priorBackup the backup copy, then the statements
 * @param captureSql  the engine's SQL for the statements, as psql sends it
 */
record Workload(String name, String script, String priorBackup, String captureSql) {
    /** The prior backup's table; {@link BenchDatabase#reset} drops it. */
    static final String BACKUP_TABLE = "bench_backup";
    private static final String RESCUE_TABLE = "rescue.r_psql_s1_bench";
    private static final String PROTECT = "COMMENT ON TABLE " + RESCUE_TABLE + " IS 'prodscript rescue table: rows as they"
            + " were before statement 1, run psql, script bench.sql sha256 0; expires 2099-01-01T00:00:00Z';\n"
            + "REVOKE ALL ON " + RESCUE_TABLE + " FROM PUBLIC;\nALTER TABLE " + RESCUE_TABLE + " ENABLE ROW LEVEL SECURITY;\n";
    private static final String LIKE = "CREATE TABLE " + RESCUE_TABLE + " (LIKE public.bench);\n";
    /**
     * What completes the rescue table once the statement that created it saved its rows: the statement column, added
     * with a constant default (kept in the catalog, not written into the rows) that is dropped at once, and protection.
     */
    private static final String COMPLETE = "ALTER TABLE " + RESCUE_TABLE + " ADD COLUMN \"prodscript_statement\" integer NOT NULL DEFAULT 1;\n"
            + "ALTER TABLE " + RESCUE_TABLE + " ALTER COLUMN \"prodscript_statement\" DROP DEFAULT;\n" + PROTECT;

    /** Changes every row with {@code grp = 0}: half the table. PostgreSQL 18 saves its old rows in the same statement. */
    static Workload updateHalf() {
        String update = "UPDATE bench SET v = v + 1, note = 'changed' WHERE grp = 0";
        return new Workload("UPDATE", update + ";", backup("grp = 0") + update + ";", LIKE + updateCapture(update, 1) + "\n" + COMPLETE);
    }

    /**
     * Deletes every row with {@code grp = 0}: half the table. Its condition picks the same rows twice in one snapshot,
     * so the engine copies them first ({@code CREATE TABLE … AS}, the prior backup's own shape), runs the DELETE,
     * compares the two counts, gives the new rescue table its statement column (a catalog change, no row written)
     * and protects it. A million saved rows are too many for the manifest's key range, so no pass reads them again.
     */
    static Workload deleteHalf() {
        String delete = "DELETE FROM bench WHERE grp = 0";
        String capture = "CREATE TABLE " + RESCUE_TABLE + " AS\nSELECT bench.*\nFROM bench\nWHERE grp = 0\n;\n"
                + delete + ";\n" + COMPLETE;
        return new Workload("DELETE", delete + ";", backup("grp = 0") + delete + ";", capture);
    }

    /**
     * {@code count} single-row UPDATEs of distinct random rows among {@code rows}, one statement each; the prior
     * backup copies each statement's row before it, into one table.
     */
    static Workload singleRowUpdates(int count, long rows) {
        List<Long> ids = new Random(42).longs(1, rows + 1).distinct().limit(count).boxed().toList();
        IntFunction<String> update = i -> "UPDATE bench SET v = v + 1 WHERE id = " + ids.get(i);
        StringJoiner script = new StringJoiner("\n");
        StringJoiner backup = new StringJoiner("\n", "CREATE TABLE " + BACKUP_TABLE + " AS SELECT * FROM bench WITH NO DATA;\n", "");
        StringJoiner capture = new StringJoiner("\n", LIKE, "");
        for (int i = 0; i < ids.size(); i++) {
            script.add(update.apply(i) + ";");
            backup.add("INSERT INTO " + BACKUP_TABLE + " SELECT * FROM bench WHERE id = " + ids.get(i) + ";");
            backup.add(update.apply(i) + ";");
            capture.add(updateCapture(update.apply(i), i + 1) + (i == 0 ? "\n" + COMPLETE : ""));
        }
        return new Workload(String.format("%,d single-row UPDATEs", count), script.toString(), backup.toString(), capture.toString());
    }

    /** Changes the first {@code rows} rows: the heap measurement's workload. */
    static String updateFirst(long rows) {
        return "UPDATE bench SET v = v + 1 WHERE id <= " + rows + ";";
    }

    private static String backup(String condition) {
        return "CREATE TABLE " + BACKUP_TABLE + " AS SELECT * FROM bench WHERE " + condition + ";\n";
    }

    /** The capture of an UPDATE in one pass; the first statement (which created the table) saves its rows without a number. */
    private static String updateCapture(String update, int statement) {
        return "WITH prodscript_changed AS (\n" + update + "\nRETURNING WITH (OLD AS prodscript_old) prodscript_old.*\n)\n"
                + "INSERT INTO " + RESCUE_TABLE + " SELECT *" + (statement == 1 ? "" : ", " + statement) + " FROM prodscript_changed;";
    }
}
