package io.prodscript.cli;

import io.prodscript.engine.ledger.LedgerEntry;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Writes ledger entries as a table, with the reason under each run that did not succeed. */
final class LedgerPrinter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String ROW = "%s%-19s  %-8s  %-11s  %5s  %s%n";

    private final PrintWriter out;
    private final String indent;

    LedgerPrinter(PrintWriter out, String indent) {
        this.out = out;
        this.indent = indent;
    }

    void print(List<LedgerEntry> entries) {
        out.printf(ROW, indent, "started (UTC)", "mode", "status", "rows", "script");
        for (LedgerEntry entry : entries) {
            out.printf(ROW, indent, TIME.format(entry.startedAt()), entry.mode(), entry.status(), entry.rowsChanged(),
                    entry.scriptPath());
            if (entry.failure() != null) {
                out.println(indent + "    " + entry.failure());
            }
        }
        out.flush();
    }
}
