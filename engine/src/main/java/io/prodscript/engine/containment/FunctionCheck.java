package io.prodscript.engine.containment;

import io.prodscript.engine.Refusal;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.script.Directives;
import io.prodscript.engine.sql.SqlStatement;
import io.prodscript.engine.sql.StatementSplitter;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Looks up, in the run's session (so with its {@code search_path}), every function the script's statements, its
 * {@code -- @revert} section and its {@code @assert} checks call, and refuses the run when one would act outside the transaction:
 * <ul>
 *   <li>any function {@link EscapingFunctions} names, in statements and checks alike;</li>
 *   <li>in a statement, a user-defined VOLATILE function the script does not acknowledge with
 *       {@code -- @functions-reviewed <name>: <reason>} (VOLATILE is PostgreSQL's default, so it says nothing about
 *       whether the function writes; an approver reads the reason);</li>
 *   <li>in an {@code @assert}, any VOLATILE function: a check is a question and must not change anything.</li>
 * </ul>
 * Where a name has several overloads the strictest one decides, as the check cannot tell which one a call picks. A
 * function or procedure the script itself creates, replaces or alters is not in the catalog as it will be when it is
 * called (a rehearsal runs what the script creates before anyone approved it), so a call to it counts as a call to a
 * user-defined VOLATILE function unless the script creates it {@code IMMUTABLE} or {@code STABLE} (a declaration
 * trusted like the catalog's); the bodies the script gives functions are read for calls as well.
 */
final class FunctionCheck {
    /** PostgreSQL's first object id for objects created after {@code initdb}: lower ids are built in. */
    private static final long FIRST_NORMAL_OBJECT_ID = 16384;

    private final Handle handle;
    /** By name as written: scripts of thousands of statements call few functions, each looked up once. */
    private final Map<String, List<Function>> found = new HashMap<>();
    /** The user-defined VOLATILE functions PostgreSQL may call on a row without parentheses; read when first needed. */
    private List<Function> onRows;

    FunctionCheck(Handle handle) {
        this.handle = handle;
    }

    Optional<Breach> check(Plan plan) {
        // Each statement is read once: a run may have thousands.
        List<FunctionCalls.Reading> readings = new ArrayList<>();
        for (PlannedStatement statement : plan.statements()) {
            try {
                readings.add(FunctionCalls.read(statement.sql()));
            } catch (Refusal unreadable) {
                return Optional.of(new Breach(statement.number(), statement.line(), unreadable.getMessage()));
            }
        }
        List<FunctionCalls.Call> defined = readings.stream().filter(r -> !r.declaresNoWrites())
                .flatMap(r -> r.defined().stream()).toList();
        for (int index = 0; index < readings.size(); index++) {
            PlannedStatement statement = plan.statements().get(index);
            FunctionCalls.Reading reading = readings.get(index);
            String command = reading.firstWord();
            Optional<String> escapingCommand = EscapingFunctions.whyCommand(command);
            if (escapingCommand.isPresent()) {
                return Optional.of(new Breach(statement.number(), statement.line(), command.toUpperCase(Locale.ROOT) + " "
                        + escapingCommand.get() + "; no rollback or reversal can undo that, so scripts may not run it"));
            }
            for (FunctionCalls.Call call : reading.calls()) {
                Optional<String> refused = inStatement(call, plan.directives(), defined);
                if (refused.isPresent()) {
                    return Optional.of(new Breach(statement.number(), statement.line() + call.line(),
                            refused.get()));
                }
            }
            for (FunctionCalls.Call selection : reading.fieldSelections()) {
                Optional<Function> called = calledOnARow(selection).filter(f -> !reviewed(f.schema(), f.name(), plan.directives()));
                if (called.isPresent()) {
                    return Optional.of(new Breach(statement.number(), statement.line() + selection.line(),
                            onARow(called.get()) + ", acknowledge it with '-- @functions-reviewed " + called.get().name()
                                    + ": <why it is safe>'"));
                }
            }
        }
        Optional<Breach> inViews = inViews(plan, readings);
        if (inViews.isPresent()) {
            return inViews;
        }
        if (plan.revertSql() != null) {
            // The section becomes the reversal's script, run with this header's acknowledgements: judged the same way.
            for (SqlStatement statement : StatementSplitter.split(plan.revertSql(), 1)) {
                List<FunctionCalls.Call> calls;
                try {
                    calls = FunctionCalls.in(statement.text());
                } catch (Refusal unreadable) {
                    return Optional.of(new Breach(null, null, "the -- @revert section (its line " + statement.line()
                            + "): " + unreadable.getMessage()));
                }
                for (FunctionCalls.Call call : calls) {
                    Optional<String> refused = inStatement(call, plan.directives(), defined);
                    if (refused.isPresent()) {
                        return Optional.of(new Breach(null, null, "the -- @revert section (its line "
                                + (statement.line() + call.line()) + "): " + refused.get()));
                    }
                }
            }
        }
        for (Directives.Assertion assertion : plan.directives().assertions()) {
            FunctionCalls.Reading reading = FunctionCalls.read(assertion.sql());
            for (FunctionCalls.Call call : reading.calls()) {
                Optional<String> refused = inCheck(call, defined);
                if (refused.isPresent()) {
                    return Optional.of(new Breach(null, assertion.line(), refused.get()));
                }
            }
            for (FunctionCalls.Call selection : reading.fieldSelections()) {
                Optional<Function> called = calledOnARow(selection);
                if (called.isPresent()) {
                    return Optional.of(new Breach(null, assertion.line(), "@assert " + onARow(called.get()).substring(3)
                            + "; a check may call only IMMUTABLE or STABLE functions"));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The functions the views a statement reads call, through the views they read in turn: reading a view runs its
     * definition, so a view calling {@code setval} moves the sequence even in a rehearsal. A view's definition is read
     * like a statement ({@code pg_get_viewdef}; the catalog records no dependency on built-in functions) and its calls
     * are judged as the statement's own. The names of all statements are resolved in one catalog query per level of
     * views.
     */
    private Optional<Breach> inViews(Plan plan, List<FunctionCalls.Reading> readings) {
        record Named(String name, int statement) {
        }
        // Each distinct name once, with the first statement naming it: 10,000 statements name few relations.
        java.util.Map<String, Integer> firstNaming = new java.util.LinkedHashMap<>();
        for (int index = 0; index < readings.size(); index++) {
            for (String name : readings.get(index).names()) {
                firstNaming.putIfAbsent(name, index);
            }
        }
        List<Named> frontier = new ArrayList<>();
        for (java.util.Map.Entry<String, Integer> named : firstNaming.entrySet()) {
            frontier.add(new Named(named.getKey(), named.getValue()));
        }
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int depth = 0; depth < 16 && !frontier.isEmpty(); depth++) {
            record View(long oid, int statement, String name, String definition) {
            }
            List<View> views = handle.createQuery("""
                            SELECT c.oid::bigint, min(w.statement), format('%I.%I', n.nspname, c.relname),
                                   pg_get_viewdef(c.oid)
                              FROM unnest(CAST(:names AS text[]), CAST(:statements AS int[])) AS w(name, statement)
                              JOIN pg_class c ON c.oid = to_regclass(w.name) AND c.relkind = 'v'
                              JOIN pg_namespace n ON n.oid = c.relnamespace
                             GROUP BY c.oid, n.nspname, c.relname
                             ORDER BY 2""")
                    .bindArray("names", String.class, frontier.stream().map(Named::name).toArray(String[]::new))
                    .bindArray("statements", Integer.class, frontier.stream().map(Named::statement).toArray(Integer[]::new))
                    .map((rs, ctx) -> new View(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4)))
                    .list();
            frontier = new ArrayList<>();
            for (View view : views) {
                if (!seen.add(view.oid())) {
                    continue;
                }
                PlannedStatement statement = plan.statements().get(view.statement());
                FunctionCalls.Reading definition = FunctionCalls.read(view.definition());
                for (FunctionCalls.Call call : definition.calls()) {
                    Optional<String> refused = inStatement(call, plan.directives(), List.of());
                    if (refused.isPresent()) {
                        return Optional.of(new Breach(statement.number(), statement.line(), "it reads view " + view.name()
                                + ", whose definition runs whenever it is read: " + refused.get()));
                    }
                }
                for (String name : definition.names()) {
                    frontier.add(new Named(name, view.statement()));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> inStatement(FunctionCalls.Call call, Directives directives, List<FunctionCalls.Call> defined) {
        List<Function> functions = lookUp(call);
        Optional<String> escaping = escaping(call, functions);
        if (escaping.isPresent()) {
            return escaping;
        }
        if (definedByScript(call, defined) && !reviewed(call.schema(), call.name(), directives)) {
            return Optional.of("it calls " + call.written() + "(), which this script creates or changes, so what it"
                    + " does cannot be looked up before the run; it counts as a user-defined VOLATILE function:"
                    + " acknowledge it with '-- @functions-reviewed " + call.name() + ": <why it is safe>'");
        }
        return functions.stream().filter(f -> !f.builtIn() && f.volatility() == 'v' && !reviewed(f.schema(), f.name(), directives)).findFirst()
                .map(f -> "it calls " + f.qualified() + ", a user-defined VOLATILE " + f.language()
                        + " function, which may change data that rescue does not save; if it only reads or computes,"
                        + " declare it IMMUTABLE or STABLE, or acknowledge it with '-- @functions-reviewed " + f.name()
                        + ": <why it is safe>'");
    }

    private Optional<String> inCheck(FunctionCalls.Call call, List<FunctionCalls.Call> defined) {
        List<Function> functions = lookUp(call);
        Optional<String> escaping = escaping(call, functions);
        if (escaping.isPresent()) {
            return Optional.of("@assert " + escaping.get().substring("it ".length()));
        }
        if (definedByScript(call, defined)) {
            return Optional.of("@assert calls " + call.written() + "(), which this script creates or changes; a check"
                    + " may call only functions the catalog shows IMMUTABLE or STABLE when the run starts");
        }
        return functions.stream().filter(f -> f.volatility() == 'v').findFirst()
                .map(f -> "@assert calls " + f.qualified() + ", a VOLATILE function; a check may call only IMMUTABLE"
                        + " or STABLE functions, so asking it cannot change anything");
    }

    private static Optional<String> escaping(FunctionCalls.Call call, List<Function> functions) {
        // A name the catalog does not know is refused by the server anyway; one it knows is judged by its name.
        return functions.isEmpty() ? Optional.empty() : EscapingFunctions.why(call.name())
                .map(why -> "it calls " + functions.get(0).qualified() + ", which " + why
                        + "; no rollback or reversal can undo that, so scripts may not call it");
    }

    private static String onARow(Function function) {
        return "it may call " + function.qualified() + ", a user-defined VOLATILE function PostgreSQL calls for ."
                + function.name() + " on a row of its argument's type, and which may change data that rescue does not"
                + " save; if it only reads or computes, declare it IMMUTABLE or STABLE, or write it as a call and";
    }

    /**
     * The user-defined VOLATILE function a {@code .name} selection may call (PostgreSQL's functional notation): one
     * that can take a single argument of a row type. Looked up once per run.
     */
    private Optional<Function> calledOnARow(FunctionCalls.Call selection) {
        if (onRows == null) {
            onRows = handle.createQuery("""
                            SELECT n.nspname, p.proname, p.provolatile, l.lanname, false
                              FROM pg_proc p
                              JOIN pg_namespace n ON n.oid = p.pronamespace
                              JOIN pg_language l ON l.oid = p.prolang
                              JOIN pg_type t ON t.oid = p.proargtypes[0]
                             WHERE p.oid >= :firstNormal AND p.provolatile = 'v' AND p.prokind = 'f'
                               AND p.pronargs - p.pronargdefaults <= 1 AND p.pronargs >= 1
                               AND (t.typtype = 'c' OR t.oid = 'record'::regtype)
                               AND n.nspname = ANY (current_schemas(true))""")
                    .bind("firstNormal", FIRST_NORMAL_OBJECT_ID)
                    .map((rs, ctx) -> new Function(rs.getString(1), rs.getString(2), rs.getString(3).charAt(0),
                            rs.getString(4), rs.getBoolean(5)))
                    .list();
        }
        return onRows.stream().filter(f -> f.name().equals(selection.name())).findFirst();
    }

    /** Whether the call names a function the script defines; an unqualified name on either side matches any schema. */
    private static boolean definedByScript(FunctionCalls.Call call, List<FunctionCalls.Call> defined) {
        return defined.stream().anyMatch(d -> d.name().equals(call.name())
                && (d.schema() == null || call.schema() == null || d.schema().equals(call.schema())));
    }

    private static boolean reviewed(String schema, String name, Directives directives) {
        return directives.functionsReviewed().stream().anyMatch(a -> AcknowledgedName.matches(a.name(), schema, name));
    }

    private List<Function> lookUp(FunctionCalls.Call call) {
        return found.computeIfAbsent(call.written(), written -> handle.createQuery("""
                        SELECT n.nspname, p.proname, p.provolatile, l.lanname, p.oid < :firstNormal AS built_in
                          FROM pg_proc p
                          JOIN pg_namespace n ON n.oid = p.pronamespace
                          JOIN pg_language l ON l.oid = p.prolang
                         WHERE p.proname = :name
                           AND CASE WHEN CAST(:schema AS text) IS NULL THEN n.nspname = ANY (current_schemas(true))
                                    ELSE n.nspname = CAST(:schema AS text) END
                         ORDER BY p.provolatile DESC, p.oid""")
                .bind("firstNormal", FIRST_NORMAL_OBJECT_ID)
                .bind("name", call.name())
                .bind("schema", call.schema())
                .map((rs, ctx) -> new Function(rs.getString(1), rs.getString(2), rs.getString(3).charAt(0),
                        rs.getString(4), rs.getBoolean(5)))
                .list());
    }

    /** One overload of a called name, as the catalog describes it. */
    private record Function(String schema, String name, char volatility, String language, boolean builtIn) {
        String qualified() {
            return schema + "." + name + "()";
        }
    }
}
