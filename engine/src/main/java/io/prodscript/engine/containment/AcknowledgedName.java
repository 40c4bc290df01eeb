package io.prodscript.engine.containment;

import java.util.ArrayList;
import java.util.List;

/**
 * How a name written in an acknowledgement ({@code @functions-reviewed}, {@code @triggers-fire}) is compared with an
 * object's stored name, one rule for both: a quoted part exactly (with {@code ""} read as {@code "}), an unquoted part
 * regardless of case (PostgreSQL folds it to lower case; ignoring case also lets the refusal's suggestion, which
 * writes a stored name unquoted, acknowledge a mixed-case object). A qualified name ({@code schema.name}) must match
 * the schema too; an unqualified one matches the name in any schema.
 */
final class AcknowledgedName {
    private AcknowledgedName() {
    }

    /**
     * @param written as written after the directive, e.g. {@code bump}, {@code "Bump"} or {@code billing.bump}
     * @param schema  the object's schema, or null for objects named without one (triggers)
     * @param name    the object's stored name
     */
    static boolean matches(String written, String schema, String name) {
        List<String> parts = parts(written.strip());
        if (parts.size() == 1) {
            return same(parts.get(0), name);
        }
        return parts.size() == 2 && schema != null && same(parts.get(0), schema) && same(parts.get(1), name);
    }

    private static boolean same(String part, String stored) {
        boolean quoted = part.length() > 1 && part.startsWith("\"") && part.endsWith("\"");
        return quoted ? part.substring(1, part.length() - 1).replace("\"\"", "\"").equals(stored)
                : part.equalsIgnoreCase(stored);
    }

    /** The dot-separated parts of a name, dots inside double quotes not separating. */
    private static List<String> parts(String written) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean inQuotes = false;
        for (char c : written.toCharArray()) {
            if (c == '"') {
                inQuotes = !inQuotes;
            }
            if (c == '.' && !inQuotes) {
                parts.add(part.toString().strip());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString().strip());
        return parts;
    }
}
