package io.prodscript.engine.containment;

import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.plan.StatementKind;
import io.prodscript.engine.script.Directives;
import io.prodscript.engine.sql.SqlStatement;
import io.prodscript.engine.sql.StatementSplitter;
import io.prodscript.engine.sql.Token;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Finds the user triggers (not PostgreSQL's internal ones, such as foreign-key checks) that will fire for the
 * script's writes: on every table a statement writes, for the events it causes there (an UPDATE does not fire an
 * INSERT trigger), on their partitions and inheritance children, on the tables behind a view written through, and on
 * every table reached from those through a foreign key that cascades, sets null or sets a default. (An UPDATE that
 * moves a row to another partition also fires DELETE and INSERT triggers there; those count only when the script's
 * statements cause those events too.) Which triggers are enabled depends on the session's
 * {@code session_replication_role}, so a reversal with triggers suppressed lists only the ones that fire anyway
 * ({@code ENABLE ALWAYS}, {@code ENABLE REPLICA}). What a trigger's function then writes elsewhere cannot be told from
 * the catalog: the acknowledgement is where the script's author says.
 */
final class TriggerCheck {
    private static final int INSERT = 4;
    private static final int DELETE = 8;
    private static final int UPDATE = 16;
    private static final int TRUNCATE = 32;
    private static final int ANY_WRITE = INSERT | DELETE | UPDATE | TRUNCATE;

    private final Handle handle;
    private final ResolvedTables tables;

    TriggerCheck(ResolvedTables tables) {
        this.handle = tables.handle();
        this.tables = tables;
    }

    /** Each firing trigger with the script's reason; or the first one the script does not acknowledge. */
    Result check(Plan plan) {
        Optional<Breach> madeToFire = triggersTheScriptTurnsOn(plan);
        if (madeToFire.isPresent()) {
            return new Result(List.of(), madeToFire.get());
        }
        Map<Long, PlannedStatement> firstWriter = new LinkedHashMap<>();
        Map<Long, Integer> events = new LinkedHashMap<>();
        for (PlannedStatement statement : plan.statements()) {
            if (statement.kind() == StatementKind.SELECT || statement.kind() == StatementKind.DDL) {
                continue;
            }
            for (String table : statement.tables()) {
                oid(table).ifPresent(oid -> {
                    firstWriter.putIfAbsent(oid, statement);
                    events.merge(oid, eventsOf(statement.kind()), (a, b) -> a | b);
                });
            }
        }
        List<FiringTrigger> firing = new ArrayList<>();
        for (Found trigger : found(events)) {
            Optional<Directives.Acknowledgement> acknowledged = plan.directives().triggersFire().stream()
                    .filter(a -> AcknowledgedName.matches(a.name(), null, trigger.name())).findFirst();
            if (acknowledged.isEmpty()) {
                PlannedStatement writer = firstWriter.get(trigger.origin());
                return new Result(firing, new Breach(writer.number(), writer.line(), "table " + trigger.table()
                        + " has trigger " + trigger.name() + " (" + trigger.fires() + "), which fires for this script's"
                        + " changes and may write what rescue does not save; if that is intended, acknowledge it in the"
                        + " header with '-- @triggers-fire " + trigger.name() + ": <what it does and why that is fine>'"));
            }
            firing.add(new FiringTrigger(trigger.table(), trigger.name(), trigger.fires(), acknowledged.get().reason()));
        }
        return new Result(firing, null);
    }

    /**
     * A trigger the script creates ({@code CREATE [OR REPLACE] [CONSTRAINT] TRIGGER name}) or enables ({@code ALTER TABLE
     * t ENABLE [ALWAYS | REPLICA] TRIGGER name | ALL | USER}) is not in the catalog, or not enabled, when the run starts,
     * yet fires for the script's later writes: it must be acknowledged all the same (for ALL and USER, every user
     * trigger on the table).
     */
    private Optional<Breach> triggersTheScriptTurnsOn(Plan plan) {
        for (PlannedStatement statement : plan.statements()) {
            if (statement.kind() != StatementKind.DDL) {
                continue;
            }
            SqlStatement read = StatementSplitter.split(statement.sql(), 0).get(0);
            List<Token> t = read.tokens();
            List<String> named = new ArrayList<>();
            int i = t.size() > 1 && t.get(0).is("CREATE") ? 1 : -1;
            if (i > 0 && i + 1 < t.size() && t.get(i).is("OR") && t.get(i + 1).is("REPLACE")) {
                i += 2;
            }
            if (i > 0 && i < t.size() && t.get(i).is("CONSTRAINT")) {
                i++;
            }
            if (i > 0 && i + 1 < t.size() && t.get(i).is("TRIGGER") && t.get(i + 1).isName()) {
                named.add(t.get(i + 1).storedName());
            }
            for (int k = 0; k + 1 < t.size() && t.get(0).is("ALTER"); k++) {
                if (!t.get(k).is("ENABLE")) {
                    continue;
                }
                int trigger = k + 1 < t.size() && (t.get(k + 1).is("ALWAYS") || t.get(k + 1).is("REPLICA")) ? k + 2 : k + 1;
                if (trigger + 1 < t.size() && t.get(trigger).is("TRIGGER")) {
                    Token which = t.get(trigger + 1);
                    named.addAll(which.is("ALL") || which.is("USER") ? triggersOf(alteredTable(read)) : List.of(which.storedName()));
                }
            }
            for (String name : named) {
                if (plan.directives().triggersFire().stream().noneMatch(a -> AcknowledgedName.matches(a.name(), null, name))) {
                    return Optional.of(new Breach(statement.number(), statement.line(), "this statement makes trigger " + name
                            + " fire for the script's later writes; acknowledge it in the header with '-- @triggers-fire "
                            + name + ": <what it does and why that is fine>'"));
                }
            }
        }
        return Optional.empty();
    }

    /** The table of {@code ALTER TABLE [IF EXISTS] [ONLY] name …}, as written. */
    private static String alteredTable(SqlStatement statement) {
        List<Token> t = statement.tokens();
        int i = 2;
        if (i + 1 < t.size() && t.get(i).is("IF") && t.get(i + 1).is("EXISTS")) {
            i += 2;
        }
        if (i < t.size() && t.get(i).is("ONLY")) {
            i++;
        }
        return statement.nameAt(i);
    }

    /** The names of the user triggers on a table (enabled or not). */
    private List<String> triggersOf(String table) {
        Optional<Long> oid = oid(table);
        if (oid.isEmpty()) {
            return List.of();
        }
        return handle.createQuery("SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:oid AS bigint)::oid AND NOT tgisinternal ORDER BY tgname")
                .bind("oid", oid.get()).mapTo(String.class).list();
    }

    /** The triggers on these tables and the tables reached from them, whatever event they fire on, without reasons. */
    List<FiringTrigger> on(List<String> tables) {
        Map<Long, Integer> events = new LinkedHashMap<>();
        for (String table : tables) {
            oid(table).ifPresent(oid -> events.put(oid, ANY_WRITE));
        }
        return found(events).stream().map(t -> new FiringTrigger(t.table(), t.name(), t.fires(), null)).toList();
    }

    private Optional<Long> oid(String table) {
        return tables.oid(table);
    }

    /**
     * {@code pg_trigger.tgtype}'s event bits a statement of this kind causes on the table it writes: INSERT 4,
     * DELETE 8, UPDATE 16; anything else (TRUNCATE, MERGE, …) counts as every event.
     */
    private static int eventsOf(StatementKind kind) {
        return switch (kind) {
            case INSERT -> INSERT;
            case DELETE -> DELETE;
            case UPDATE -> UPDATE;
            default -> ANY_WRITE;
        };
    }

    /**
     * The enabled user triggers that fire for these events on these tables (by oid), and for the events their acting
     * foreign keys cause on the tables they reach: a deleted row's CASCADE deletes, its SET NULL or SET DEFAULT
     * updates, a changed key's ON UPDATE action updates. Sorted by table and name.
     */
    private List<Found> found(Map<Long, Integer> written) {
        if (written.isEmpty()) {
            return List.of();
        }
        return handle.createQuery("""
                        WITH RECURSIVE reached(oid, origin, events) AS (
                            SELECT CAST(w.oid AS oid), w.oid, w.events
                              FROM unnest(CAST(:written AS bigint[]), CAST(:events AS int[])) AS w(oid, events)
                            UNION
                            SELECT next.oid, r.origin, next.events
                              FROM reached r
                             CROSS JOIN LATERAL (
                                   -- tables whose foreign keys act on the reached table's deleted or changed keys
                                   SELECT con.conrelid AS oid,
                                          CASE WHEN r.events & 8 <> 0 AND con.confdeltype = 'c' THEN 8 ELSE 0 END
                                          | CASE WHEN r.events & 8 <> 0 AND con.confdeltype IN ('n', 'd') THEN 16 ELSE 0 END
                                          | CASE WHEN r.events & 16 <> 0 AND con.confupdtype IN ('c', 'n', 'd') THEN 16 ELSE 0 END
                                          AS events
                                     FROM pg_constraint con
                                    WHERE con.confrelid = r.oid AND con.contype = 'f'
                                      AND (r.events & 8 <> 0 AND con.confdeltype IN ('c', 'n', 'd')
                                           OR r.events & 16 <> 0 AND con.confupdtype IN ('c', 'n', 'd'))
                                   UNION ALL
                                   -- partitions and inheritance children: a write to the parent writes their rows
                                   SELECT i.inhrelid, r.events FROM pg_inherits i WHERE i.inhparent = r.oid
                                   UNION ALL
                                   -- the tables behind a view written through (an auto-updatable view writes its
                                   -- base table, whose triggers fire); every table the view's query names, to be safe
                                   SELECT DISTINCT d.refobjid, r.events
                                     FROM pg_class v
                                     JOIN pg_rewrite rw ON rw.ev_class = v.oid
                                     JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                                          AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> v.oid
                                    WHERE v.oid = r.oid AND v.relkind = 'v') next)
                        SELECT DISTINCT ON (t.oid) format('%I.%I', n.nspname, c.relname), t.tgname, t.tgtype, r.origin
                          FROM reached r
                          JOIN pg_trigger t ON t.tgrelid = r.oid
                          JOIN pg_class c ON c.oid = t.tgrelid
                          JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE NOT t.tgisinternal AND t.tgtype::int & r.events <> 0
                           AND CASE current_setting('session_replication_role')
                                   WHEN 'replica' THEN t.tgenabled IN ('R', 'A')
                                   ELSE t.tgenabled IN ('O', 'A') END
                         ORDER BY t.oid, r.origin""")
                .bindArray("written", Long.class, written.keySet().toArray(Long[]::new))
                .bindArray("events", Integer.class, written.values().toArray(Integer[]::new))
                .map((rs, ctx) -> new Found(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4)))
                .list().stream().sorted(Comparator.comparing(Found::table).thenComparing(Found::name)).toList();
    }

    /** The triggers that fire, and the breach when one of them is not acknowledged. */
    record Result(List<FiringTrigger> firing, Breach breach) {
    }

    /** A trigger as the catalog describes it; {@code origin} is the written table it is reached from. */
    private record Found(String table, String name, int type, long origin) {
        /** {@code pg_trigger.tgtype} in words: its bits are ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32, INSTEAD 64. */
        String fires() {
            String timing = (type & 64) != 0 ? "INSTEAD OF" : (type & 2) != 0 ? "BEFORE" : "AFTER";
            List<String> events = new ArrayList<>();
            if ((type & 4) != 0) {
                events.add("INSERT");
            }
            if ((type & 16) != 0) {
                events.add("UPDATE");
            }
            if ((type & 8) != 0) {
                events.add("DELETE");
            }
            if ((type & 32) != 0) {
                events.add("TRUNCATE");
            }
            return timing + " " + String.join(" OR ", events) + ((type & 1) != 0 ? " FOR EACH ROW" : " FOR EACH STATEMENT");
        }
    }
}
