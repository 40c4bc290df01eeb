package io.prodscript.engine.script;

import io.prodscript.engine.Refusal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code -- @name value} directives at the top of a script and finds its {@code -- @revert} section.
 * Directives are only read in the header (the comment and blank lines before the first statement): one further down
 * is refused rather than ignored, because its author clearly expected it to apply.
 */
public final class DirectiveParser {
    /**
     * Any {@code -- @word}, so that a misspelt directive ({@code @expect_rows}) is refused as unknown, not ignored.
     * Spaces are Unicode spaces: a no-break space pasted from a wiki page between {@code --} and {@code @} looks the same.
     */
    private static final Pattern DIRECTIVE = Pattern.compile("^\\s*--\\s*@([A-Za-z][\\w-]*)(?:\\s+(.*?))?\\s*$",
            Pattern.UNICODE_CHARACTER_CLASS);
    /** PostgreSQL keeps {@code statement_timeout} and {@code lock_timeout} in milliseconds in a 32-bit integer. */
    private static final Duration LONGEST_SERVER_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);
    /** Far beyond any sensible retention, and far from overflowing a timestamp. */
    private static final Duration LONGEST_RETENTION = Duration.ofDays(36500);
    private static final Pattern DURATION = Pattern.compile("^(\\d+)\\s*(ms|s|min|h|d)$");
    /** A table name part: plain, or quoted (any characters, {@code ""} for a quote), as in {@code public."Order Items"}. */
    private static final String NAME_PART = "(?:[A-Za-z_][\\w$]*|\"(?:[^\"]|\"\")+\")";
    private static final Pattern EXPECT_ROWS = Pattern.compile("^(#?\\d+|" + NAME_PART + "(?:\\." + NAME_PART + ")*)"
            + "\\s*:\\s*(\\d+)(\\.\\.(\\d+)?)?$");
    private static final Pattern RESCUE_NONE = Pattern.compile("^none\\s*:\\s*(\\S.*)$");
    private static final Pattern ACKNOWLEDGEMENT = Pattern.compile("^([A-Za-z_\"][\\w$.\" ]*?)\\s*:\\s*(\\S.*)$");

    private DirectiveParser() {
    }

    /**
     * Splits a script into its directives, forward body and reversal section.
     *
     * @throws Refusal naming the line of an unknown, malformed, repeated or misplaced directive
     */
    public static ScriptSections parse(String text) {
        String[] lines = text.split("\n", -1);
        Builder directives = new Builder();
        boolean inHeader = true;
        int revertIndex = -1;
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i].stripTrailing();
            Matcher m = DIRECTIVE.matcher(line);
            if (m.matches()) {
                String name = m.group(1).toLowerCase(Locale.ROOT);
                if (name.equals("revert")) {
                    if (m.group(2) != null) {
                        throw new Refusal("@revert takes no value; the reversal SQL follows on the next lines", lineNumber);
                    }
                    revertIndex = i;
                    break;
                }
                if (!inHeader) {
                    throw new Refusal("directive @" + name + " is below the first statement; directives belong at the top of the script", lineNumber);
                }
                directives.add(name, m.group(2) == null ? "" : m.group(2), lineNumber);
            } else if (inHeader && !line.isBlank() && !line.stripLeading().startsWith("--")) {
                inHeader = false;
            }
        }
        if (revertIndex < 0) {
            return new ScriptSections(directives.build(), text, null, 0);
        }
        String body = String.join("\n", java.util.Arrays.asList(lines).subList(0, revertIndex));
        String revert = String.join("\n", java.util.Arrays.asList(lines).subList(revertIndex + 1, lines.length));
        if (revert.isBlank()) {
            throw new Refusal("the @revert section is empty", revertIndex + 1);
        }
        return new ScriptSections(directives.build(), body, revert, revertIndex + 2);
    }

    /** Parses durations like {@code 500ms}, {@code 30s}, {@code 5min}, {@code 2h}, {@code 7d}. */
    public static Duration parseDuration(String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a duration such as 500ms, 30s, 5min, 2h or 7d");
        }
        try {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "min" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is too long to be a duration");
        }
    }

    /** Collects directives, refusing repeats of the ones that may appear once. */
    private static final class Builder {
        private String description;
        private String ticket;
        private final List<Directives.RowExpectation> expectations = new ArrayList<>();
        private final List<Directives.Assertion> assertions = new ArrayList<>();
        private Duration statementTimeout;
        private Duration lockTimeout;
        private boolean allowFullTable;
        private boolean allowDestructive;
        private String rescueNone;
        private Duration rescueRetention;
        private final List<Directives.Acknowledgement> functionsReviewed = new ArrayList<>();
        private final List<Directives.Acknowledgement> triggersFire = new ArrayList<>();
        private String triggersSuppressed;
        private final List<String> seen = new ArrayList<>();

        void add(String name, String value, int line) {
            boolean repeatable = name.equals("expect-rows") || name.equals("assert")
                    || name.equals("functions-reviewed") || name.equals("triggers-fire");
            if (!repeatable && seen.contains(name)) {
                throw new Refusal("@" + name + " is given twice", line);
            }
            seen.add(name);
            switch (name) {
                case "description" -> description = required(name, value, line);
                case "ticket" -> ticket = required(name, value, line);
                case "expect-rows" -> expectations.add(expectation(value, line));
                case "assert" -> assertions.add(new Directives.Assertion(line, required(name, value, line)));
                case "statement-timeout" -> statementTimeout = duration(name, value, line, LONGEST_SERVER_TIMEOUT, "2147483647ms");
                case "lock-timeout" -> lockTimeout = duration(name, value, line, LONGEST_SERVER_TIMEOUT, "2147483647ms");
                case "allow-full-table" -> allowFullTable = flag(name, value, line);
                case "allow-destructive" -> allowDestructive = flag(name, value, line);
                case "rescue" -> rescueNone = rescueNone(value, line);
                case "rescue-retention" -> rescueRetention = duration(name, value, line, LONGEST_RETENTION, "36500d");
                case "functions-reviewed" -> functionsReviewed.add(acknowledgement(name, value, line));
                case "triggers-fire" -> triggersFire.add(acknowledgement(name, value, line));
                case "triggers-suppressed" -> triggersSuppressed = required(name, value, line);
                default -> throw new Refusal("unknown directive @" + name + " (see docs/script-format.md)", line);
            }
        }

        Directives build() {
            return new Directives(description, ticket, expectations, assertions, statementTimeout, lockTimeout,
                    allowFullTable, allowDestructive, rescueNone, rescueRetention, functionsReviewed, triggersFire,
                    triggersSuppressed);
        }

        private static String required(String name, String value, int line) {
            if (value.isBlank()) {
                throw new Refusal("@" + name + " needs a value", line);
            }
            return value;
        }

        private static boolean flag(String name, String value, int line) {
            if (!value.isBlank()) {
                throw new Refusal("@" + name + " takes no value", line);
            }
            return true;
        }

        /** A duration longer than zero and at most {@code longest} (written as {@code longestText}). */
        private static Duration duration(String name, String value, int line, Duration longest, String longestText) {
            Duration d;
            try {
                d = parseDuration(required(name, value, line));
            } catch (IllegalArgumentException e) {
                throw new Refusal("@" + name + ": " + e.getMessage() + (e.getMessage().contains("too long")
                        ? "; at most " + longestText : ""), line);
            }
            if (d.isZero()) {
                throw new Refusal("@" + name + " must be longer than zero", line);
            }
            if (d.compareTo(longest) > 0) {
                throw new Refusal("@" + name + " " + value + " is longer than allowed: at most " + longestText, line);
            }
            return d;
        }

        /** A count that fits a long, or a refusal naming the number. */
        private static long count(String digits, String what, int line) {
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new Refusal("@expect-rows " + what + digits + " is too large (at most " + Long.MAX_VALUE + ")", line);
            }
        }

        private static String rescueNone(String value, int line) {
            Matcher m = RESCUE_NONE.matcher(value.trim());
            if (!m.matches()) {
                throw new Refusal("@rescue must be written '@rescue none: <reason>'", line);
            }
            return m.group(1).trim();
        }

        /** {@code <name>: <reason>}, e.g. {@code normalize_email: pure, writes nothing}. */
        private static Directives.Acknowledgement acknowledgement(String name, String value, int line) {
            Matcher m = ACKNOWLEDGEMENT.matcher(value.trim());
            if (!m.matches()) {
                throw new Refusal("@" + name + " must be written '@" + name + " <name>: <reason>'", line);
            }
            return new Directives.Acknowledgement(line, m.group(1).trim(), m.group(2).trim());
        }

        private static Directives.RowExpectation expectation(String value, int line) {
            Matcher m = EXPECT_ROWS.matcher(value.trim());
            if (!m.matches()) {
                throw new Refusal("@expect-rows must be written '@expect-rows <statement#|table>: <min>..<max>'", line);
            }
            String subject = m.group(1);
            long min = count(m.group(2), "", line);
            Long max = m.group(3) == null ? Long.valueOf(min) : m.group(4) == null ? null : Long.valueOf(count(m.group(4), "", line));
            if (max != null && max < min) {
                throw new Refusal("@expect-rows range " + min + ".." + max + " is empty", line);
            }
            boolean byNumber = Character.isDigit(subject.charAt(subject.length() - 1)) && subject.replace("#", "").chars().allMatch(Character::isDigit);
            if (byNumber) {
                long number = count(subject.replace("#", ""), "statement ", line);
                if (number > Integer.MAX_VALUE) {
                    throw new Refusal("@expect-rows statement " + number + " is too large", line);
                }
                int statement = (int) number;
                if (statement < 1) {
                    throw new Refusal("@expect-rows statement numbers start at 1", line);
                }
                return new Directives.RowExpectation(line, statement, null, min, max);
            }
            return new Directives.RowExpectation(line, null, subject, min, max);
        }
    }
}
