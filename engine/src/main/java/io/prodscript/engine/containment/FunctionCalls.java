package io.prodscript.engine.containment;

import io.prodscript.engine.sql.Identifiers;
import io.prodscript.engine.Refusal;
import io.prodscript.engine.sql.SqlStatement;
import io.prodscript.engine.sql.StatementSplitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

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

    /**
     * What containment asks of one statement, from one reading of its text (a run reads thousands).
     *
     * @param firstWord        the statement's first word in lower case, or an empty string
     * @param defined          the function or procedure it defines or changes ({@link #defined})
     * @param declaresNoWrites whether it creates a routine declared {@code IMMUTABLE} or {@code STABLE}
     * @param calls            the calls in it ({@link #in})
     * @param fieldSelections  names selected from a row or table with a dot and no parenthesis after them ({@code
     *                         t.total}, {@code (r).f}): columns, usually, but PostgreSQL reads {@code t.f} as the call
     *                         {@code f(t)} when no column is called so and a function {@code f} takes one argument of
     *                         {@code t}'s row type
     * @param names            every name not followed by a parenthesis, as a quoted SQL name ({@code "s"."v"}): the
     *                         relations it reads are among them, and a view's definition may call functions too
     */
    record Reading(String firstWord, Optional<Call> defined, boolean declaresNoWrites, List<Call> calls,
                   List<Call> fieldSelections, List<String> names) {
    }

    /**
     * Reads a statement. The body of a {@code DO} block, and of a function or procedure the statement creates, is read
     * as SQL too (PL/pgSQL calls functions the same way, and a rehearsal may call what the script creates); a query it
     * builds as text and runs with {@code EXECUTE} cannot be read.
     *
     * @throws Refusal when such a body does not read as SQL: a call inside it could not be seen
     */
    static Reading read(String sql) {
        List<SqlStatement> statements = StatementSplitter.split(sql, 0);
        List<Token> topLevel = tokens(statements, false);
        String firstWord = topLevel.stream().findFirst().map(t -> t.name() == null || t.quoted() ? "" : t.name()).orElse("");
        Optional<Call> defined = defined(topLevel);
        List<Token> all = firstWord.equals("do") || defined.isPresent() ? tokens(statements, true) : topLevel;
        return new Reading(firstWord, defined, declaresNoWrites(topLevel), calls(all), fieldSelections(all), names(all));
    }

    private static List<String> names(List<Token> tokens) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).name == null || i > 0 && tokens.get(i - 1).isDot()) {
                continue;
            }
            StringBuilder name = new StringBuilder(Identifiers.quote(tokens.get(i).name));
            int last = i;
            while (last + 2 < tokens.size() && tokens.get(last + 1).isDot() && tokens.get(last + 2).name != null) {
                last += 2;
                name.append('.').append(Identifiers.quote(tokens.get(last).name));
            }
            if (last + 1 >= tokens.size() || !tokens.get(last + 1).isOpenParenthesis()) {
                names.add(name.toString());
            }
        }
        return names;
    }

    /** The calls in a statement ({@link #read}). */
    static List<Call> in(String sql) {
        return read(sql).calls();
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
        return read(sql).defined();
    }

    private static Optional<Call> defined(List<Token> tokens) {
        int i = 0;
        if (i < tokens.size() && is(tokens.get(i), "create")) {
            i++;
            if (i + 1 < tokens.size() && is(tokens.get(i), "or") && is(tokens.get(i + 1), "replace")) {
                i += 2;
            }
        } else if (i < tokens.size() && is(tokens.get(i), "alter")) {
            i++;
        } else {
            return Optional.empty();
        }
        if (i >= tokens.size() || !(is(tokens.get(i), "function") || is(tokens.get(i), "procedure")
                || is(tokens.get(i), "routine") && is(tokens.get(0), "alter"))) {
            return Optional.empty();
        }
        int first = i + 1;
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

    /**
     * Whether a {@code CREATE FUNCTION|PROCEDURE} statement declares the function {@code IMMUTABLE} or {@code STABLE}:
     * trusted like the catalog's declaration of an existing function (its body is read for calls all the same).
     */
    private static boolean declaresNoWrites(List<Token> tokens) {
        if (tokens.isEmpty() || !is(tokens.get(0), "create")) {
            return false;
        }
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

    /** A name (with whether it was quoted) or a punctuation character or number's first character; strings are skipped. */
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

    /**
     * The text's tokens as the script's own tokenizer ({@link StatementSplitter}) cuts them, with lines counted from
     * the text's first line. With {@code readBodies}, the strings in it (a DO block's or a routine's body, written
     * {@code $$…$$} or {@code '…'}) are read as SQL in their place; a body that does not read as SQL is refused: a call
     * inside it could not be seen.
     */
    private static List<Token> tokens(List<SqlStatement> statements, boolean readBodies) {
        List<Token> tokens = new ArrayList<>();
        for (SqlStatement statement : statements) {
            for (io.prodscript.engine.sql.Token t : statement.tokens()) {
                int line = statement.lineOf(t.offset());
                switch (t.kind()) {
                    case WORD -> tokens.add(new Token(t.storedName(), false, '\0', line));
                    case QUOTED -> tokens.add(new Token(t.text(), true, '\0', line));
                    case STRING -> {
                        if (readBodies) {
                            tokens.addAll(bodyTokens(statement, t, line));
                        }
                    }
                    case NUMBER, SYMBOL -> tokens.add(new Token(null, false, t.text().charAt(0), line));
                }
            }
        }
        return tokens;
    }

    private static List<Token> bodyTokens(SqlStatement statement, io.prodscript.engine.sql.Token string, int line) {
        String raw = statement.text().substring(string.offset(), string.end());
        int tag = raw.startsWith("$") ? raw.indexOf('$', 1) + 1 : 0;
        String body = tag > 0 ? raw.substring(tag, raw.length() - tag) : string.text();
        try {
            return tokens(StatementSplitter.split(body, 0), false).stream()
                    .map(inner -> new Token(inner.name, inner.quoted, inner.symbol, line + inner.line)).toList();
        } catch (Refusal unreadable) {
            throw new Refusal("a body in this statement cannot be read as SQL to find the functions it calls ("
                    + unreadable.getMessage() + ")");
        }
    }
}
