package io.prodscript.engine.containment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Functions whose effects escape the run's transaction or reach other sessions, so that neither a rehearsal's
 * rollback nor a reversal can take them back. Compiled from the PostgreSQL function reference (chapter 9: sequence
 * manipulation, configuration settings, server signaling, backup and recovery control, snapshot synchronization,
 * replication management, index maintenance, generic file access, advisory locks, statistics; chapter 35: large
 * objects; the XML and text search functions that run a query given as text) and the contrib modules dblink and
 * adminpack. A script may not call them, acknowledged or not: docs/script-format.md lists them with the reasons.
 *
 * <p>Names are matched in every schema, so an extension installed elsewhere than {@code pg_catalog} is caught too.
 */
final class EscapingFunctions {
    private static final Map<String, String> EXACT = new LinkedHashMap<>();
    private static final Map<String, String> PREFIXES = new LinkedHashMap<>();

    static {
        String sequences = "sets a sequence, which no rollback resets";
        EXACT.put("setval", sequences);
        String settings = "changes a setting, including the ones the engine sets for the run (timeouts)";
        EXACT.put("set_config", settings);
        String signals = "signals or reconfigures other server processes";
        for (String name : new String[] {"pg_cancel_backend", "pg_terminate_backend",
            "pg_reload_conf", "pg_rotate_logfile", "pg_rotate_logfile_old", "pg_log_backend_memory_contexts",
            "pg_log_standby_snapshot", "pg_promote", "pg_wal_replay_pause", "pg_wal_replay_resume"}) {
            EXACT.put(name, signals);
        }
        String wal = "acts on the write-ahead log, backups or replication, outside the transaction";
        for (String name : new String[] {"pg_switch_wal", "pg_switch_xlog", "pg_create_restore_point", "pg_backup_start",
            "pg_backup_stop", "pg_start_backup", "pg_stop_backup", "pg_drop_replication_slot", "pg_replication_slot_advance",
            "pg_sync_replication_slots", "pg_export_snapshot", "pg_import_system_collations"}) {
            EXACT.put(name, wal);
        }
        PREFIXES.put("pg_create_physical_replication_slot", wal);
        PREFIXES.put("pg_create_logical_replication_slot", wal);
        PREFIXES.put("pg_copy_physical_replication_slot", wal);
        PREFIXES.put("pg_copy_logical_replication_slot", wal);
        PREFIXES.put("pg_logical_", wal);
        PREFIXES.put("pg_replication_origin_", wal);
        String locks = "takes or releases an advisory lock, which other sessions (and the engine's own run lock) share";
        PREFIXES.put("pg_advisory_", locks);
        PREFIXES.put("pg_try_advisory_", locks);
        String files = "reads or writes the server's files";
        for (String name : new String[] {"pg_read_file", "pg_read_binary_file", "pg_stat_file", "pg_logdir_ls"}) {
            EXACT.put(name, files);
        }
        PREFIXES.put("pg_ls_", files);
        PREFIXES.put("pg_file_", files);
        String largeObjects = "reads or changes large objects (or server files through them), which rescue does not save";
        EXACT.put("loread", largeObjects);
        EXACT.put("lowrite", largeObjects);
        PREFIXES.put("lo_", largeObjects);
        EXACT.put("pg_notify", "sends a notification to other sessions");
        String remote = "runs SQL on another connection, outside this transaction";
        PREFIXES.put("dblink", remote);
        String text = "runs a query given as text, which this check cannot read";
        for (String name : new String[] {"query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema",
            "cursor_to_xml", "cursor_to_xmlschema", "ts_stat", "ts_rewrite"}) {
            EXACT.put(name, text);
        }
        String statistics = "resets server statistics, which no rollback restores";
        PREFIXES.put("pg_stat_reset", statistics);
        EXACT.put("pg_stat_statements_reset", statistics);
        String statistics18 = "rewrites the planner's statistics in place, which no rollback restores";
        for (String name : new String[] {"pg_restore_relation_stats", "pg_restore_attribute_stats", "pg_clear_relation_stats",
            "pg_clear_attribute_stats"}) {
            EXACT.put(name, statistics18);
        }
        PREFIXES.put("binary_upgrade_", "is meant for pg_upgrade alone and changes the catalog directly");
        String indexes = "changes an index's summary outside the script's statements";
        for (String name : new String[] {"brin_summarize_new_values", "brin_summarize_range", "brin_desummarize_range",
            "gin_clean_pending_list"}) {
            EXACT.put(name, indexes);
        }
    }

    private EscapingFunctions() {
    }

    /**
     * Commands that act outside the transaction like the functions above: {@code NOTIFY} is {@code pg_notify},
     * {@code LISTEN}/{@code UNLISTEN} subscribe the session, {@code LOAD} loads a library into the server process,
     * {@code CHECKPOINT} acts on the whole server.
     */
    private static final Map<String, String> COMMANDS = Map.of(
            "notify", "sends a notification to other sessions",
            "listen", "subscribes the session to notifications, beyond the transaction",
            "unlisten", "changes the session's subscriptions, beyond the transaction",
            "load", "loads a library into the server process",
            "checkpoint", "acts on the whole server");

    /** Why a statement starting with this word (lower case) may not run, or empty when it may. */
    static Optional<String> whyCommand(String firstWord) {
        return Optional.ofNullable(COMMANDS.get(firstWord));
    }

    /** Why a function of this name may not be called, or empty when it may. */
    static Optional<String> why(String name) {
        String exact = EXACT.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        return PREFIXES.entrySet().stream().filter(e -> name.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst();
    }
}
