package io.prodscript.cli;

import io.prodscript.engine.plan.Plan;
import io.prodscript.engine.plan.PlannedStatement;
import io.prodscript.engine.plan.StatementKind;
import io.prodscript.engine.script.Directives;
import java.io.PrintWriter;
import java.time.Duration;

/** Writes a plan for a reviewer: what the header says, then each statement with its SQL, then the reversal. */
final class PlanPrinter {
    private final PrintWriter out;
    private final String indent;

    PlanPrinter(PrintWriter out) {
        this(out, "");
    }

    PlanPrinter(PrintWriter out, String indent) {
        this.out = out;
        this.indent = indent;
    }

    void print(Plan plan) {
        Directives d = plan.directives();
        line(plan.scriptPath());
        field("sha256", plan.checksum());
        field("description", d.description());
        field("ticket", d.ticket());
        field("statement timeout", d.statementTimeout() == null ? null : durationText(d.statementTimeout()));
        field("lock timeout", d.lockTimeout() == null ? null : durationText(d.lockTimeout()));
        for (Directives.RowExpectation e : d.expectedRows()) {
            field("expect rows", e.subject() + ": " + e.range() + " row(s)   (line " + e.line() + ")");
        }
        for (Directives.Assertion a : d.assertions()) {
            field("assert", a.sql() + "   (line " + a.line() + ")");
        }
        field("allow full table", d.allowFullTable() ? "yes: UPDATE and DELETE may omit WHERE" : null);
        field("allow destructive", d.allowDestructive() ? "yes: DROP and other destructive statements are allowed" : null);
        field("rescue", d.rescueNone() == null ? null : "none: " + d.rescueNone());
        field("rescue retention", d.rescueRetention() == null ? null : durationText(d.rescueRetention()));
        line("");
        long settings = plan.statements().stream().filter(PlanPrinter::isSetting).count();
        line((plan.statements().size() - settings) + " statement(s), run in order in one transaction"
                + (settings == 0 ? "" : " (with " + settings + " setting(s) for that transaction, which change no data)") + ":");
        for (PlannedStatement s : plan.statements()) {
            if (isSetting(s)) {
                line("  (setting, changes no data: " + s.sql().replaceAll("\\s+", " ") + ")");
            } else {
                line("  " + s.label());
                sql(s.sql());
            }
        }
        if (plan.revertSql() != null) {
            line("");
            line("Reversal (-- @revert), not run by this plan:");
            sql(plan.revertSql().strip());
        }
        out.flush();
    }

    private void field(String name, String value) {
        if (value != null) {
            line(String.format("  %-18s %s", name, value));
        }
    }

    private void sql(String sql) {
        sql.lines().forEach(l -> line("      " + l));
    }

    private void line(String text) {
        out.println(text.isEmpty() ? "" : indent + text);
    }

    /** A duration in the units a script's directives use, so it reads the way it was written. */
    static String durationText(Duration duration) {
        long millis = duration.toMillis();
        if (millis % Duration.ofDays(1).toMillis() == 0) {
            return duration.toDays() + "d";
        }
        if (millis % Duration.ofHours(1).toMillis() == 0) {
            return duration.toHours() + "h";
        }
        if (millis % Duration.ofMinutes(1).toMillis() == 0) {
            return duration.toMinutes() + "min";
        }
        if (millis % 1000 == 0) {
            return duration.toSeconds() + "s";
        }
        return millis + "ms";
    }

    /** A SET of a setting for the transaction (e.g. the planner setting of a generated reversal): nothing to review. */
    private static boolean isSetting(PlannedStatement s) {
        return s.kind() == StatementKind.UTILITY && s.sql().regionMatches(true, 0, "SET ", 0, 4);
    }
}
