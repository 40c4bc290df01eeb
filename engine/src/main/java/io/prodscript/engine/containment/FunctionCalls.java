package io.prodscript.engine.containment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the functions a piece of SQL calls, by reading its tokens: every name, plain, quoted or schema-qualified,
 * followed by an opening parenthesis, outside strings, quoted bodies and comments. Names that merely look like calls
 * (a column list after {@code INSERT INTO t}, a type modifier after {@code AS}) are left out by the word before them;
 * anything else that is not a function (a keyword like {@code IN} or {@code EXISTS}) finds nothing in the catalog and
 * is ignored there.
 */
final class FunctionCalls {
    /** Words after which {@code name (} is a table, type or definition, not a call. */
    private static final Set<String> NOT_A_CALL_AFTER = Set.of("INTO", "TABLE", "REFERENCES", "AS", "FUNCTION",
            "PROCEDURE", "ROUTINE", "AGGREGATE", "TYPE", "INDEX", "VIEW", "ONLY");

    private static final Pattern UESCAPE = Pattern.compile("\\s*(?i:uescape)\\s*'([^'])'");

    /** The options of CREATE OPERATOR and CREATE AGGREGATE that name a function the operator or aggregate calls. */
    private static final Set<String> BINDING_OPTIONS = Set.of("function", "procedure", "restrict", "join", "sfunc",
            "finalfunc", "combinefunc", "serialfunc", "deserialfunc", "msfunc", "minvfunc", "mfinalfunc");

    private FunctionCalls() {
    }

    /**
     * One call as written.
     *
     * @param schema the schema it is qualified with (as the catalog spells it), or null
     * @param name   the function's name as the catalog spells it
     * @param line   the line of the text it is on, counting the text's first line as 0
     */
    record Call(String schema, String name, int line) {
        String written() {
            return schema == null ? name : schema + "." + name;
        }
    }

    /** The statement's first word in lower case, or an empty string. */
    static String firstWord(String sql) {
        return tokens(sql, false, 1).stream().findFirst().map(t -> t.name() == null || t.quoted() ? "" : t.name()).orElse("");
    }

    /**
     * The calls in a statement. The body of a {@code DO} block, and of a function or procedure the statement creates,
     * is read as SQL too (PL/pgSQL calls functions the same way, and a rehearsal may call what the script creates); a
     * query it builds as text and runs with {@code EXECUTE} cannot be read.
     */
    static List<Call> in(String sql) {
        return calls(tokens(sql, readsBodies(sql)));
    }

    /**
     * A statement's calls ({@link #in}) and field selections (names selected from a row or table with a dot and no
     * parenthesis after them: {@code t.total}, {@code (r).f}), from one reading of its text. Field selections are
     * columns, usually, but PostgreSQL reads {@code t.f} as the call {@code f(t)} when no column is called so and a
     * function {@code f} takes one argument of {@code t}'s row type.
     */
    record Reading(List<Call> calls, List<Call> fieldSelections) {
    }

    /** Reads a statement's calls and field selections; its text is read once for both. */
    static Reading read(String sql) {
        List<Token> tokens = tokens(sql, readsBodies(sql));
        return new Reading(calls(tokens), fieldSelections(tokens));
    }

    /** Whether a statement's bodies are SQL to read: a {@code DO} block's, or a function's or procedure's it defines. */
    private static boolean readsBodies(String sql) {
        return firstWord(sql).equals("do") || defined(sql).isPresent();
    }

    private static List<Call> calls(List<Token> tokens) {
        boolean bindsFunctions = bindsFunctions(tokens);
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (bindsFunctions && token.isSymbol('=') && i > 0 && tokens.get(i - 1).name != null
                    && BINDING_OPTIONS.contains(tokens.get(i - 1).name) && i + 1 < tokens.size() && tokens.get(i + 1).name != null) {
                // CREATE OPERATOR … (FUNCTION = f): every use of the operator calls f.
                int last = i + 1;
                while (last + 2 < tokens.size() && tokens.get(last + 1).isDot() && tokens.get(last + 2).name != null) {
                    last += 2;
                }
                calls.add(new Call(last == i + 1 ? null : tokens.get(last - 2).name, tokens.get(last).name, tokens.get(last).line));
                continue;
            }
            if (!token.isOpenParenthesis() || i == 0 || tokens.get(i - 1).name == null) {
                continue;
            }
            int last = i - 1;
            int first = last;
            while (first >= 2 && tokens.get(first - 1).isDot() && tokens.get(first - 2).name != null) {
                first -= 2;
            }
            Token before = first > 0 ? tokens.get(first - 1) : null;
            boolean bound = bindsFunctions && before != null && (is(before, "function") || is(before, "procedure"));
            if (before != null && !bound && (before.isDot() || !before.quoted() && before.name() != null
                    && NOT_A_CALL_AFTER.contains(before.name.toUpperCase(Locale.ROOT)))) {
                continue;
            }
            String schema = first == last ? null : tokens.get(last - 2).name;
            calls.add(new Call(schema, tokens.get(last).name, tokens.get(last).line));
        }
        return calls;
    }

    /**
     * Whether the statement binds a function to syntax that calls it wherever the script then uses it: {@code CREATE
     * OPERATOR}, {@code CAST} or {@code AGGREGATE}. The functions it names count as called. (A trigger's function is
     * called by writes, which the trigger check and its acknowledgements cover.)
     */
    private static boolean bindsFunctions(List<Token> tokens) {
        if (tokens.size() < 2 || !is(tokens.get(0), "create")) {
            return false;
        }
        int i = 1;
        if (i + 1 < tokens.size() && is(tokens.get(i), "or") && is(tokens.get(i + 1), "replace")) {
            i += 2;
        }
        return i < tokens.size() && (is(tokens.get(i), "operator") || is(tokens.get(i), "cast")
                || is(tokens.get(i), "aggregate"));
    }

    private static List<Call> fieldSelections(List<Token> tokens) {
        List<Call> selected = new ArrayList<>();
        for (int i = 1; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            boolean called = i + 1 < tokens.size() && tokens.get(i + 1).isOpenParenthesis();
            if (token.name != null && tokens.get(i - 1).isDot() && !called) {
                selected.add(new Call(null, token.name, token.line));
            }
        }
        return selected;
    }

    /**
     * The function or procedure a {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE} or {@code ALTER
     * FUNCTION|PROCEDURE|ROUTINE} statement defines or changes, as a call would name it; for {@code … RENAME TO}, the
     * new name. Empty for any other statement.
     */
    static Optional<Call> defined(String sql) {
        // The first four words tell whether the statement defines a routine: most statements are read no further.
        int keyword = routineKeyword(tokens(sql, false, 4));
        if (keyword < 0) {
            return Optional.empty();
        }
        List<Token> tokens = tokens(sql, false);
        int first = keyword + 1;
        int last = first;
        while (last + 2 < tokens.size() && tokens.get(last + 1).isDot() && tokens.get(last + 2).name != null) {
            last += 2;
        }
        if (first >= tokens.size() || tokens.get(first).name == null) {
            return Optional.empty();
        }
        String schema = first == last ? null : tokens.get(first).name;
        Call named = new Call(schema, tokens.get(last).name, tokens.get(last).line);
        for (int k = last + 1; k + 2 < tokens.size(); k++) {
            if (is(tokens.get(k), "rename") && is(tokens.get(k + 1), "to") && tokens.get(k + 2).name != null) {
                return Optional.of(new Call(schema, tokens.get(k + 2).name, tokens.get(k + 2).line));
            }
        }
        return Optional.of(named);
    }

    /** The position of FUNCTION, PROCEDURE or ROUTINE in {@code CREATE [OR REPLACE] …} or {@code ALTER …}, or -1. */
    private static int routineKeyword(List<Token> tokens) {
        int i = 0;
        if (i < tokens.size() && is(tokens.get(i), "create")) {
            i++;
            if (i + 1 < tokens.size() && is(tokens.get(i), "or") && is(tokens.get(i + 1), "replace")) {
                i += 2;
            }
        } else if (i < tokens.size() && is(tokens.get(i), "alter")) {
            i++;
        } else {
            return -1;
        }
        if (i >= tokens.size() || !(is(tokens.get(i), "function") || is(tokens.get(i), "procedure")
                || is(tokens.get(i), "routine") && is(tokens.get(0), "alter"))) {
            return -1;
        }
        return i;
    }

    /**
     * Whether a {@code CREATE FUNCTION|PROCEDURE} statement declares the function {@code IMMUTABLE} or {@code STABLE}:
     * trusted like the catalog's declaration of an existing function (its body is read for calls all the same).
     */
    static boolean declaresNoWrites(String sql) {
        if (!firstWord(sql).equals("create")) {
            return false;
        }
        List<Token> tokens = tokens(sql, false);
        for (int i = 1; i < tokens.size(); i++) {
            if (is(tokens.get(i), "begin") && i + 1 < tokens.size() && is(tokens.get(i + 1), "atomic")) {
                return false;
            }
            if (is(tokens.get(i), "immutable") || is(tokens.get(i), "stable")) {
                return true;
            }
        }
        return false;
    }

    private static boolean is(Token token, String word) {
        return token.name != null && !token.quoted && token.name.equals(word);
    }

    /** A name (with whether it was quoted) or a single punctuation character; strings and comments are skipped. */
    private record Token(String name, boolean quoted, char symbol, int line) {
        boolean isOpenParenthesis() {
            return name == null && symbol == '(';
        }

        boolean isDot() {
            return isSymbol('.');
        }

        boolean isSymbol(char c) {
            return name == null && symbol == c;
        }
    }

    private static List<Token> tokens(String sql, boolean readBodies) {
        return tokens(sql, readBodies, Integer.MAX_VALUE);
    }

    /**
     * The statement's tokens, up to {@code limit} of them: containment reads every statement of a run several times,
     * and most questions are answered by its first words.
     */
    private static List<Token> tokens(String sql, boolean readBodies, int limit) {
        List<Token> tokens = new ArrayList<>();
        int line = 0;
        int i = 0;
        int n = sql.length();
        while (i < n && tokens.size() < limit) {
            char c = sql.charAt(i);
            int start = i;
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 0;
                do {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                } while (i < n && depth > 0);
            } else if (c == '\'') {
                boolean backslashes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isIdentifierPart(sql.charAt(i - 2)));
                i = endOfQuoted(sql, i, '\'', backslashes);
                if (readBodies && !backslashes) {
                    // A body written as a string ('SELECT f(''x'')'): its text, unquoted, is SQL too.
                    String body = sql.substring(start + 1, Math.max(start + 1, i - 1)).replace("''", "'");
                    for (Token inner : tokens(body, false)) {
                        tokens.add(new Token(inner.name, inner.quoted, inner.symbol, line + inner.line));
                    }
                }
            } else if (c == '"') {
                i = endOfQuoted(sql, i, '"', false);
                String name = sql.substring(start + 1, i - 1).replace("\"\"", "\"");
                if (unicodePrefixed(sql, start)) {
                    // U&"\0073etval" is setval to PostgreSQL, with an optional UESCAPE 'c' naming another escape.
                    Matcher uescape = UESCAPE.matcher(sql).region(i, n);
                    char escape = '\\';
                    if (uescape.lookingAt()) {
                        escape = uescape.group(1).charAt(0);
                        i = uescape.end();
                    }
                    name = decodeUnicode(name, escape);
                }
                tokens.add(new Token(name, true, '\0', line));
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                int close = sql.indexOf(tag, i + tag.length());
                // A body read as SQL: only its quotes are skipped.
                i = readBodies ? i + tag.length() : close < 0 ? n : close + tag.length();
            } else if (isIdentifierStart(c)) {
                while (i < n && isIdentifierPart(sql.charAt(i))) {
                    i++;
                }
                String word = sql.substring(start, i);
                // E'…', U&'…', B'…' and X'…' are string prefixes, read with the string that follows.
                boolean prefix = i < n && (sql.charAt(i) == '\'' || sql.charAt(i) == '&' && word.equalsIgnoreCase("U"));
                if (!prefix) {
                    tokens.add(new Token(word.toLowerCase(Locale.ROOT), false, '\0', line));
                }
            } else if (c == '&' && i + 1 < n && sql.charAt(i + 1) == '"' && unicodePrefixed(sql, i + 1)) {
                i++; // the & of U&"…", read with the name that follows
            } else {
                if (!Character.isWhitespace(c)) {
                    tokens.add(new Token(null, false, c, line));
                }
                i++;
            }
            for (int k = start; k < Math.min(i, n); k++) {
                if (sql.charAt(k) == '\n') {
                    line++;
                }
            }
        }
        return tokens;
    }

    /** Whether the quote at {@code quote} opens a Unicode escape name or string: {@code U&"…"}, {@code u&'…'}. */
    private static boolean unicodePrefixed(String sql, int quote) {
        return quote >= 2 && sql.charAt(quote - 1) == '&' && (sql.charAt(quote - 2) == 'U' || sql.charAt(quote - 2) == 'u')
                && (quote < 3 || !isIdentifierPart(sql.charAt(quote - 3)));
    }

    /** PostgreSQL's Unicode escapes: the escape character doubled, then four or (after {@code +}) six hex digits. */
    private static String decodeUnicode(String text, char escape) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != escape || i + 1 >= text.length()) {
                out.append(c);
            } else if (text.charAt(i + 1) == escape) {
                out.append(escape);
                i++;
            } else {
                boolean six = text.charAt(i + 1) == '+';
                int from = i + (six ? 2 : 1);
                int to = from + (six ? 6 : 4);
                if (to > text.length() || !text.substring(from, to).matches("[0-9A-Fa-f]+")) {
                    out.append(c);
                    continue;
                }
                out.appendCodePoint(Integer.parseInt(text.substring(from, to), 16));
                i = to - 1;
            }
        }
        return out.toString();
    }

    /** The index just past a quoted string or name starting at {@code start}; doubled quotes stay inside. */
    private static int endOfQuoted(String sql, int start, char quote, boolean backslashes) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** The dollar-quote tag ({@code $$} or {@code $name$}) starting here, or null ({@code $1} is a parameter). */
    private static String dollarTag(String sql, int start) {
        if (start > 0 && isIdentifierPart(sql.charAt(start - 1))) {
            return null;
        }
        int i = start + 1;
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        if (i >= sql.length() || sql.charAt(i) != '$' || i > start + 1 && Character.isDigit(sql.charAt(start + 1))) {
            return null;
        }
        return sql.substring(start, i + 1);
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
