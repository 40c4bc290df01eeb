package io.prodscript.engine.rescue;

import io.prodscript.engine.execution.Failure;
import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.plan.StatementKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * Decides, inside the run's transaction and before its first statement, how each statement's changes will be saved:
 * which table it writes, which key identifies its rows and which rescue table they go to. A statement whose changes
 * cannot be saved refuses the whole run, unless the script brings its own reversal ({@code -- @revert}), in which
 * case rescue saves what it can and leaves the rest to the script's reversal.
 */
final class CapturePlanner {
    private final TableCatalog catalog;
    private final Handle handle;
    /** Per table, read once per run: a script of many statements on one table asks the catalog once. */
    private final Map<Long, List<TableCatalog.Reference>> references = new HashMap<>();
    private final Map<Long, List<List<String>>> candidateKeys = new HashMap<>();
    private final String rescueSchema;

    /** @param rescueSchema the schema rescue tables go to, as the target configures it */
    CapturePlanner(Handle handle, String rescueSchema) {
        this.handle = handle;
        this.rescueSchema = rescueSchema;
        this.catalog = new TableCatalog(handle);
    }

    /** The captures, in statement order; or the reason the run must not start. */
    Result plan(Plan plan, String runId) {
        Map<Integer, String> problems = new TreeMap<>();
        Map<Integer, WriteStatement> writes = new LinkedHashMap<>();
        for (PlannedStatement statement : plan.statements()) {
            WriteStatement.Reading reading = WriteStatement.read(statement);
            if (reading.obstacle() != null) {
                problems.put(statement.number(), "cannot be saved for a reversal: " + reading.obstacle());
            } else if (reading.write() != null) {
                writes.put(statement.number(), reading.write());
            }
        }
        // Scripts of thousands of statements name few tables: each is looked up and checked once.
        Map<String, Optional<CatalogTable>> resolved = new HashMap<>();
        Map<Integer, CatalogTable> tables = new HashMap<>();
        Map<Long, Optional<String>> unsaveable = new HashMap<>();
        for (WriteStatement write : writes.values()) {
            resolved.computeIfAbsent(write.writtenTable(), catalog::resolve)
                    .ifPresentOrElse(table -> tables.put(write.planned().number(), table),
                            () -> problems.put(write.planned().number(), "table " + write.writtenTable() + " does not exist"));
            CatalogTable table = tables.get(write.planned().number());
            if (table != null) {
                unsaveable.computeIfAbsent(table.oid(), oid -> catalog.unsaveable(table)).ifPresent(why -> problems.put(write.planned().number(), why));
            }
        }
        Map<Long, List<String>> keys = chooseKeys(List.copyOf(writes.values()), tables, problems);
        List<PlannedCapture> captures = new ArrayList<>();
        PlannedCapture previous = null;
        for (PlannedStatement statement : plan.statements()) {
            WriteStatement write = writes.get(statement.number());
            PlannedCapture capture = write == null || problems.containsKey(statement.number()) ? null
                    : capture(write, tables.get(statement.number()), keys, previous, runId, problems);
            if (capture != null) {
                captures.add(capture);
            }
            if (capture != null || statement.kind() != StatementKind.SELECT) {
                previous = capture;
            }
        }
        if (!problems.isEmpty() && plan.revertSql() == null) {
            Map.Entry<Integer, String> first = problems.entrySet().iterator().next();
            PlannedStatement statement = plan.statements().get(first.getKey() - 1);
            return Result.refused(new Failure(statement.number(), statement.line(),
                    first.getValue() + ". " + RescueRules.ALTERNATIVES));
        }
        return Result.of(captures);
    }

    /** The capture of one statement, sharing the previous statement's rescue table when it can; null on a problem. */
    private PlannedCapture capture(WriteStatement write, CatalogTable table, Map<Long, List<String>> keys,
                                   PlannedCapture previous, String runId, Map<Integer, String> problems) {
        int number = write.planned().number();
        String rescueTable = RescueTableNames.qualified(rescueSchema, RescueTableNames.name(runId, number, table.name()));
        List<CascadeCapture> cascades = new ArrayList<>();
        Optional<String> cascadeProblem = cascades(table, write.kind(), write.updatedColumns(),
                rescueTable, runId, number, new HashSet<>(Set.of(table.oid())), cascades);
        if (cascadeProblem.isPresent()) {
            problems.put(number, cascadeProblem.get());
            return null;
        }
        PlannedCapture own = new PlannedCapture(write, table, keys.get(table.oid()), rescueTable, true, cascades);
        if (previous != null && previous.sharesWith(own)) {
            return new PlannedCapture(write, table, own.keyColumns(), previous.rescueTable(), false, cascades);
        }
        for (String name : names(own)) {
            if (exists(name)) {
                problems.put(number, "its rescue table " + name
                        + " already exists (left by another run whose id starts the same way); give this run another id");
                return null;
            }
        }
        return own;
    }

    /**
     * Plans, level by level, the rows a change of {@code kind} to rows of {@code table} will reach through foreign
     * keys, into {@code cascades}; or says why they cannot be followed (a table reached twice on one path, as a
     * foreign key from a table to itself does).
     */
    private Optional<String> cascades(CatalogTable table, StatementKind kind, Set<String> assigned, String parentRescueTable,
                                      String runId, int number, Set<Long> path, List<CascadeCapture> cascades) {
        for (TableCatalog.Reference reference : references.computeIfAbsent(table.oid(), catalog::actingReferences)) {
            Optional<StatementKind> effect = reference.effectOf(kind, assigned);
            if (effect.isEmpty()) {
                continue;
            }
            CatalogTable child = reference.table();
            if (!path.add(child.oid())) {
                return Optional.of("it changes rows of " + child.qualified() + " through " + reference.describe(kind)
                        + ", a chain of foreign keys that comes back to a table it already changes, which rescue cannot follow");
            }
            // The rows reached are saved by reading the table like any written table, so what refuses one refuses them.
            Optional<String> unsaveable = catalog.unsaveable(child);
            if (unsaveable.isPresent()) {
                return Optional.of("it changes rows of " + child.qualified() + " through " + reference.describe(kind)
                        + ", and " + unsaveable.get());
            }
            Set<String> childAssigned = effect.get() == StatementKind.UPDATE ? Set.copyOf(reference.referencing()) : Set.of();
            List<String> key = candidateKeys.computeIfAbsent(child.oid(), catalog::keys).stream()
                    .filter(k -> k.stream().noneMatch(childAssigned::contains)).findFirst().orElse(List.of());
            CascadeCapture cascade = new CascadeCapture(reference.describe(kind), child, effect.get(),
                    List.copyOf(childAssigned), key, reference.referencing(), reference.columns(), parentRescueTable,
                    RescueTableNames.qualified(rescueSchema, RescueTableNames.name(runId, number, "c" + (cascades.size() + 1) + "_" + child.name())));
            cascades.add(cascade);
            if (!key.isEmpty()) {
                Optional<String> deeper = cascades(child, effect.get(), childAssigned, cascade.qualifiedRescueTable(),
                        runId, number, path, cascades);
                if (deeper.isPresent()) {
                    return deeper;
                }
            }
            path.remove(child.oid());
        }
        return Optional.empty();
    }

    private static List<String> names(PlannedCapture capture) {
        List<String> names = new ArrayList<>(List.of(capture.qualifiedRescueTable()));
        capture.cascades().forEach(c -> names.add(c.qualifiedRescueTable()));
        return names;
    }

    /**
     * One key per table for the whole run, so every statement's saved rows line up by the same columns: the first
     * candidate (primary key first) whose columns no UPDATE of the run assigns, since a changed key could not find
     * its row again.
     */
    private Map<Long, List<String>> chooseKeys(List<WriteStatement> writes, Map<Integer, CatalogTable> tables,
                                               Map<Integer, String> problems) {
        Map<Long, Set<String>> assigned = new HashMap<>();
        Map<Long, WriteStatement> firstWrite = new LinkedHashMap<>();
        for (WriteStatement write : writes) {
            CatalogTable table = tables.get(write.planned().number());
            if (table != null) {
                assigned.computeIfAbsent(table.oid(), oid -> new TreeSet<>()).addAll(write.updatedColumns());
                firstWrite.putIfAbsent(table.oid(), write);
            }
        }
        Map<Long, List<String>> chosen = new HashMap<>();
        for (Map.Entry<Long, WriteStatement> entry : firstWrite.entrySet()) {
            long oid = entry.getKey();
            List<List<String>> candidates = candidateKeys.computeIfAbsent(oid, catalog::keys);
            Optional<List<String>> key = candidates.stream()
                    .filter(k -> k.stream().noneMatch(assigned.get(oid)::contains)).findFirst();
            if (key.isPresent()) {
                chosen.put(oid, key.get());
                continue;
            }
            String table = tables.get(entry.getValue().planned().number()).qualified();
            for (WriteStatement write : writes) {
                CatalogTable written = tables.get(write.planned().number());
                if (written != null && written.oid() == oid) {
                    problems.putIfAbsent(write.planned().number(), candidates.isEmpty()
                            ? "table " + table + " has no primary key or unique key on NOT NULL columns, so its rows"
                            + " could not be found again to put them back"
                            : "every key of table " + table + " is assigned by an UPDATE of this script, so its rows"
                            + " could not be found again to put them back");
                }
            }
        }
        return chosen;
    }

    private boolean exists(String qualifiedName) {
        return handle.createQuery("SELECT to_regclass(:name) IS NOT NULL").bind("name", qualifiedName)
                .mapTo(Boolean.class).one();
    }

    /** Either the captures or the reason to refuse the run. */
    record Result(List<PlannedCapture> captures, Failure refusal) {
        static Result of(List<PlannedCapture> captures) {
            return new Result(List.copyOf(captures), null);
        }

        static Result refused(Failure refusal) {
            return new Result(List.of(), refusal);
        }
    }
}
