package io.prodscript.engine.containment;

import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.script.Directives;
import io.prodscript.engine.sql.SqlStatement;
import io.prodscript.engine.sql.StatementSplitter;
import java.util.HashMap;
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
 * Where a name has several overloads the strictest one decides, as the check cannot tell which one a call picks.
 */
final class FunctionCheck {
    /** PostgreSQL's first object id for objects created after {@code initdb}: lower ids are built in. */
    private static final long FIRST_NORMAL_OBJECT_ID = 16384;

    private final Handle handle;
    /** By name as written: scripts of thousands of statements call few functions, each looked up once. */
    private final Map<String, List<Function>> found = new HashMap<>();

    FunctionCheck(Handle handle) {
        this.handle = handle;
    }

    Optional<Breach> check(Plan plan) {
        for (PlannedStatement statement : plan.statements()) {
            String command = FunctionCalls.firstWord(statement.sql());
            Optional<String> escapingCommand = EscapingFunctions.whyCommand(command);
            if (escapingCommand.isPresent()) {
                return Optional.of(new Breach(statement.number(), statement.line(), command.toUpperCase(Locale.ROOT) + " "
                        + escapingCommand.get() + "; no rollback or reversal can undo that, so scripts may not run it"));
            }
            for (FunctionCalls.Call call : FunctionCalls.in(statement.sql())) {
                Optional<String> refused = inStatement(call, plan.directives());
                if (refused.isPresent()) {
                    return Optional.of(new Breach(statement.number(), statement.line() + call.line(),
                            refused.get()));
                }
            }
        }
        if (plan.revertSql() != null) {
            // The section becomes the reversal's script, run with this header's acknowledgements: judged the same way.
            for (SqlStatement statement : StatementSplitter.split(plan.revertSql(), 1)) {
                for (FunctionCalls.Call call : FunctionCalls.in(statement.text())) {
                    Optional<String> refused = inStatement(call, plan.directives());
                    if (refused.isPresent()) {
                        return Optional.of(new Breach(null, null, "the -- @revert section (its line "
                                + (statement.line() + call.line()) + "): " + refused.get()));
                    }
                }
            }
        }
        for (Directives.Assertion assertion : plan.directives().assertions()) {
            for (FunctionCalls.Call call : FunctionCalls.in(assertion.sql())) {
                Optional<String> refused = inCheck(call);
                if (refused.isPresent()) {
                    return Optional.of(new Breach(null, assertion.line(), refused.get()));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> inStatement(FunctionCalls.Call call, Directives directives) {
        List<Function> functions = lookUp(call);
        Optional<String> escaping = escaping(call, functions);
        if (escaping.isPresent()) {
            return escaping;
        }
        return functions.stream().filter(f -> !f.builtIn() && f.volatility() == 'v' && !reviewed(f, directives)).findFirst()
                .map(f -> "it calls " + f.qualified() + ", a user-defined VOLATILE " + f.language()
                        + " function, which may change data that rescue does not save; if it only reads or computes,"
                        + " declare it IMMUTABLE or STABLE, or acknowledge it with '-- @functions-reviewed " + f.name()
                        + ": <why it is safe>'");
    }

    private Optional<String> inCheck(FunctionCalls.Call call) {
        List<Function> functions = lookUp(call);
        Optional<String> escaping = escaping(call, functions);
        if (escaping.isPresent()) {
            return Optional.of("@assert " + escaping.get().substring("it ".length()));
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

    private static boolean reviewed(Function function, Directives directives) {
        return directives.functionsReviewed().stream().map(a -> a.name().replace("\"", ""))
                .anyMatch(name -> name.equals(function.name()) || name.equals(function.schema() + "." + function.name())
                        || name.toLowerCase(Locale.ROOT).equals(function.name()));
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
