package io.prodscript.engine.rescue;

import io.prodscript.engine.sql.SqlStatement;
import io.prodscript.engine.sql.StatementSplitter;
import io.prodscript.engine.sql.Token;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Finds the DELETEs whose rows may be saved by copying them first and proving the copy by counts alone: those whose
 * condition picks the same rows each time it is evaluated in the run's snapshot.
 *
 * <p><b>Why equal counts then prove equal keys.</b> The run is one REPEATABLE READ transaction: every statement reads
 * the same snapshot, plus the run's own earlier changes, and the engine sends nothing between the copy
 * ({@code CREATE TABLE rescue.… AS SELECT t.* FROM t WHERE <condition>}) and the DELETE. Call C the rows copied and D
 * the rows the DELETE deletes. The DELETE scans for the rows that meet its condition in that snapshot; when the
 * condition gives each row the same answer in both statements, that is C. From those it deletes every row except:
 * a row another transaction changed or deleted after the snapshot, which fails the DELETE with "could not serialize
 * access due to concurrent update" (PostgreSQL's REPEATABLE READ; the run rolls back); a row a BEFORE DELETE trigger
 * skips; a row already deleted by the same statement (a join matching it twice, counted once). Rows a trigger
 * inserts or changes during the DELETE belong to later commands, which its scan does not see (and deleting a row a
 * trigger already changed fails the statement). Rows inserted by other transactions are outside the snapshot. So D is
 * a subset of C, and a subset as large as the set is the set itself: {@code |D| = |C|} proves D = C, key for key.
 *
 * <p><b>What "the same answer in both statements" needs,</b> and so what sends a DELETE to the one-pass shape instead
 * (which is exact by construction, and only slower):
 * <ul>
 *   <li>No function whose result may change between two statements: every function the statement names must be
 *       IMMUTABLE, or a built-in STABLE one whose value is fixed for the transaction or follows only from its
 *       arguments and the session's settings ({@link #SETTLED}); not {@code statement_timestamp()}, not a
 *       user-defined STABLE function (which may call anything), not one reading the catalog (the copy itself adds
 *       the rescue table to it). Aggregates only when order does not matter ({@link #ORDER_FREE}); no window
 *       functions. A database with a user-defined operator, cast or type input function that is not IMMUTABLE sends
 *       every DELETE to the one-pass shape, since a statement calls those without naming them.</li>
 *   <li>Nothing that picks rows by order or by chance: LIMIT, OFFSET, FETCH, TABLESAMPLE, DISTINCT ON, window
 *       clauses, {@code ARRAY(subquery)}; synchronized sequential scans may start the two scans at different pages.
 *       Nothing that depends on locks or cursors: FOR UPDATE/SHARE (SKIP LOCKED), {@code WHERE CURRENT OF}.</li>
 *   <li>Only tables and materialized views: a view may hide any of the above; a foreign table (or a partitioned
 *       table with a foreign partition) is read outside the snapshot; system catalogs change with the copy. No row
 *       security on a table it names (a DELETE applies other policies than the copy's SELECT), no rules (a rule
 *       rewrites the DELETE into something else), no inheritance children (which may be foreign tables).</li>
 *   <li>No enabled event trigger: one runs after the copy's CREATE TABLE, between the copy and the DELETE.</li>
 * </ul>
 * The names are matched as words of the statement against every function and relation of that name in the schemas
 * it can reach (the search path, and any schema it names), so an overloaded or ambiguous name counts at its worst.
 * The argument assumes no other session redefines, between the copy and the DELETE, a function, operator or type the
 * statement uses, or reloads the server's settings; statements that take no locks on functions cannot rule that out.
 */
final class RepeatableDeletes {
    /**
     * Built-in STABLE functions that give the same value in every statement of one transaction: the transaction's
     * start time and the session's identity, or a result that follows from the arguments and the session's settings
     * (time zone, date style, text search configuration), which the engine does not change between two statements.
     */
    static final Set<String> SETTLED = Set.of(
            "now", "transaction_timestamp", "current_date", "current_time", "current_timestamp", "localtime",
            "localtimestamp", "current_user", "session_user", "current_role", "system_user", "current_database",
            "current_catalog", "current_schema", "current_schemas", "version",
            "age", "date", "date_part", "date_trunc", "date_add", "date_subtract", "extract", "make_timestamptz",
            "timestamp", "timestamptz", "time", "timetz", "timezone", "overlaps", "to_char", "to_date", "to_timestamp",
            "to_number", "generate_series", "concat", "concat_ws", "format", "length", "convert", "convert_from",
            "convert_to", "quote_literal", "quote_nullable", "array_to_string", "numeric", "money",
            "to_json", "to_jsonb", "row_to_json", "array_to_json", "json_build_array", "json_build_object",
            "jsonb_build_array", "jsonb_build_object", "to_tsvector", "to_tsquery", "plainto_tsquery",
            "phraseto_tsquery", "websearch_to_tsquery");
    /** Built-in aggregates whose result does not depend on the order rows arrive in. */
    static final Set<String> ORDER_FREE = Set.of("count", "min", "max", "bool_and", "bool_or", "every");
    /** Words that pick rows by order, by chance, by lock or by cursor position. */
    private static final Set<String> ORDERED = Set.of("LIMIT", "OFFSET", "FETCH", "TABLESAMPLE", "OVER", "WINDOW", "FOR");

    private RepeatableDeletes() {
    }

    /**
     * Which of the DELETEs, given by statement number with their text (without RETURNING), have a condition that picks
     * the same rows twice in one snapshot: one catalog query for all of them.
     */
    static Set<Integer> find(Handle handle, Map<Integer, String> deletes) {
        Map<Integer, Set<String>> candidates = new LinkedHashMap<>();
        for (Map.Entry<Integer, String> delete : deletes.entrySet()) {
            List<SqlStatement> split = StatementSplitter.split(delete.getValue(), 1);
            if (split.size() == 1 && !pickedByOrder(split.get(0).tokens())) {
                candidates.put(delete.getKey(), split.get(0).tokens().stream().filter(Token::isName)
                        .map(Token::storedName).collect(Collectors.toSet()));
            }
        }
        if (candidates.isEmpty()) {
            return Set.of();
        }
        Set<String> changing = changingNames(handle, candidates.values().stream().flatMap(Set::stream)
                .collect(Collectors.toCollection(TreeSet::new)));
        if (changing.contains("")) {
            return Set.of();
        }
        return candidates.entrySet().stream().filter(c -> c.getValue().stream().noneMatch(changing::contains))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** Whether the tokens pick rows by order, chance, lock or cursor (the words alone tell, wherever they stand). */
    static boolean pickedByOrder(List<Token> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            if (token.kind() == Token.Kind.WORD && ORDERED.contains(token.text())
                    || next != null && (token.is("DISTINCT") && next.is("ON") || token.is("ARRAY") && next.isSymbol("(")
                    || token.is("CURRENT") && next.is("OF"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Which of the names may mean something whose value can change between two statements (see the class comment);
     * the empty name when the database has something that does regardless of names.
     */
    private static Set<String> changingNames(Handle handle, Set<String> names) {
        return new HashSet<>(handle.createQuery("""
                        WITH reach AS (
                          SELECT n.oid FROM pg_namespace n
                           WHERE n.nspname = ANY (current_schemas(true)) OR n.nspname = ANY (CAST(:names AS text[])))
                        SELECT w FROM unnest(CAST(:names AS text[])) AS w
                         WHERE EXISTS (SELECT 1 FROM pg_proc p JOIN reach ON reach.oid = p.pronamespace
                                        WHERE p.proname = w
                                          AND (p.prokind = 'w'
                                               OR p.prokind = 'a' AND (p.oid >= 16384 OR w <> ALL (CAST(:orderFree AS text[])))
                                               OR p.provolatile = 'v'
                                               OR p.provolatile = 's' AND (p.oid >= 16384 OR w <> ALL (CAST(:settled AS text[])))))
                            OR EXISTS (SELECT 1 FROM pg_class c JOIN reach ON reach.oid = c.relnamespace
                                        WHERE c.relname = w
                                          AND (c.relkind NOT IN ('r', 'p', 'm') OR c.relrowsecurity OR c.relhasrules
                                               OR c.relnamespace = 'pg_catalog'::regnamespace
                                               OR c.relkind = 'r' AND c.relhassubclass
                                               OR c.relkind = 'p' AND EXISTS (SELECT 1 FROM pg_partition_tree(c.oid) AS t
                                                                               JOIN pg_class k ON k.oid = t.relid
                                                                              WHERE k.relkind = 'f')))
                        UNION ALL
                        SELECT '' WHERE EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtenabled <> 'D')
                           OR EXISTS (SELECT 1 FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode
                                       WHERE o.oid >= 16384 AND (p.provolatile = 'v' OR p.oid >= 16384 AND p.provolatile <> 'i'))
                           OR EXISTS (SELECT 1 FROM pg_cast c JOIN pg_proc p ON p.oid = c.castfunc
                                       WHERE c.oid >= 16384 AND (p.provolatile = 'v' OR p.oid >= 16384 AND p.provolatile <> 'i'))
                           OR EXISTS (SELECT 1 FROM pg_type t JOIN pg_proc p ON p.oid = t.typinput
                                       WHERE t.oid >= 16384 AND (p.provolatile = 'v' OR p.oid >= 16384 AND p.provolatile <> 'i'))""")
                .bindArray("names", String.class, names.toArray(String[]::new))
                .bindArray("orderFree", String.class, ORDER_FREE.toArray(String[]::new))
                .bindArray("settled", String.class, SETTLED.toArray(String[]::new))
                .mapTo(String.class).list());
    }
}
