package io.prodscript.engine.plan;

import java.util.Locale;

/**
 * Compares table names the way a reader of a script would: case-insensitive for unquoted names, and
 * {@code accounts} matching {@code public.accounts}.
 */
public final class TableNames {
    private TableNames() {
    }

    public static boolean same(String a, String b) {
        String x = canonical(a);
        String y = canonical(b);
        return x.equals(y) || x.endsWith("." + y) || y.endsWith("." + x);
    }

    private static String canonical(String name) {
        String trimmed = name.trim();
        return trimmed.contains("\"") ? trimmed.replace("\"", "") : trimmed.toLowerCase(Locale.ROOT);
    }
}
