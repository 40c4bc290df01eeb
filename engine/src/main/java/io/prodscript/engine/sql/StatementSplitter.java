package io.prodscript.engine.sql;

import io.prodscript.engine.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a script into statements at the semicolons PostgreSQL (and psql) would split at, and cuts each into
 * tokens. It follows PostgreSQL's lexical rules, not its grammar: single-quoted strings with doubled quotes,
 * {@code E''} strings with backslash escapes, {@code U&''}, {@code B''} and {@code X''} strings, quoted identifiers,
 * dollar-quoted bodies with optional tags, line comments and nested block comments; like psql it keeps the
 * semicolons of a {@code BEGIN ATOMIC … END} routine body inside the statement, and skips the data lines that follow
 * {@code COPY … FROM STDIN} up to {@code \.}.
 *
 * <p>Two things can only mean psql, which a script run does not have, so they are refused here, at plan time: a
 * backslash outside all of the above (a meta-command) and a psql variable ({@code :name}, {@code :'name'},
 * {@code :"name"}) outside strings, comments, {@code ::} casts and array subscripts.
 */
public final class StatementSplitter {
    private final String text;
    private int pos;
    private int line;

    // The statement being cut.
    private int start = -1;
    private int startLine;
    private List<Token> tokens = new ArrayList<>();
    private int parenDepth;
    private int bracketDepth;
    private int atomicDepth;

    private StatementSplitter(String text, int firstLine) {
        this.text = text;
        this.line = firstLine;
    }

    /**
     * Splits {@code text}, whose first line is line {@code firstLine} of the script.
     *
     * @throws Refusal for an unterminated string, identifier, comment or dollar-quoted body, a psql meta-command or
     *                 a psql variable
     */
    public static List<SqlStatement> split(String text, int firstLine) {
        return new StatementSplitter(text, firstLine).split();
    }

    private List<SqlStatement> split() {
        List<SqlStatement> statements = new ArrayList<>();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '-' && peek(1) == '-') {
                skipLineComment();
                continue;
            }
            if (c == '/' && peek(1) == '*') {
                skipBlockComment();
                continue;
            }
            if (Character.isWhitespace(c)) {
                advance();
                continue;
            }
            if (c == ';' && atomicDepth == 0) {
                if (start >= 0) {
                    SqlStatement statement = finish(pos);
                    statements.add(statement);
                    advance();
                    if (isCopyFromStdin(statement)) {
                        skipCopyData();
                    }
                } else {
                    advance();
                }
                continue;
            }
            if (start < 0) {
                start = pos;
                startLine = line;
            }
            if (c == '\\') {
                throw new Refusal("psql meta-command (" + metaCommand() + ") is not allowed: scripts are plain SQL, run"
                        + " without psql", line);
            }
            int tokenStart = pos;
            if (c == '\'') {
                boolean escapes = isEscapeStringPrefix();
                String content = skipQuoted('\'', escapes);
                add(Token.Kind.STRING, escapes ? "" : content, tokenStart);
            } else if (c == '"') {
                boolean unicode = UnicodeEscapes.prefixes(text, pos);
                String name = skipQuoted('"', false);
                add(Token.Kind.QUOTED, unicode ? unicodeName(name) : name, tokenStart);
            } else if (c == '$' && !previousIsIdentifierPart() && dollarTagLength() > 0) {
                skipDollarQuoted();
                add(Token.Kind.STRING, "", tokenStart);
            } else if (Character.isLetter(c) || c == '_') {
                word();
            } else if (Character.isDigit(c) || c == '.' && Character.isDigit(peek(1))) {
                number();
                add(Token.Kind.NUMBER, text.substring(tokenStart, pos), tokenStart);
            } else if (c == ':' && peek(1) == ':') {
                advance();
                advance();
                add(Token.Kind.SYMBOL, "::", tokenStart);
            } else if (c == ':' && bracketDepth == 0 && isPsqlVariable()) {
                throw new Refusal(psqlVariable() + " is a psql variable, and scripts run without psql, so nothing would"
                        + " replace it; write the value itself in the script", line);
            } else {
                symbol(c);
            }
        }
        if (start >= 0) {
            statements.add(finish(pos));
        }
        return statements;
    }

    /** A {@code U&"…"} name decoded, consuming a {@code UESCAPE 'c'} clause after it (kept in the statement's text). */
    private String unicodeName(String name) {
        java.util.regex.Matcher uescape = UnicodeEscapes.uescapeAt(text, pos);
        if (uescape == null) {
            return UnicodeEscapes.decode(name, '\\');
        }
        while (pos < uescape.end()) {
            advance();
        }
        return UnicodeEscapes.decode(name, uescape.group(1).charAt(0));
    }

    private SqlStatement finish(int end) {
        String raw = text.substring(start, end);
        String statementText = raw.strip();
        SqlStatement statement = new SqlStatement(startLine, statementText, tokens);
        start = -1;
        tokens = new ArrayList<>();
        parenDepth = 0;
        bracketDepth = 0;
        atomicDepth = 0;
        return statement;
    }

    private void add(Token.Kind kind, String tokenText, int tokenStart) {
        tokens.add(new Token(kind, tokenText, tokenStart - start, pos - start, parenDepth));
    }

    private void word() {
        int wordStart = pos;
        while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
            pos++;
        }
        String word = text.substring(wordStart, pos);
        // String prefixes: E'…', B'…', X'…', N'…' and U&'…' are one constant with the string that follows.
        if (pos < text.length() && text.charAt(pos) == '\'' && word.length() == 1 && "EeBbXxNn".contains(word)) {
            return;
        }
        if (word.equalsIgnoreCase("U") && peek(0) == '&' && (peek(1) == '\'' || peek(1) == '"')) {
            pos++;
            return;
        }
        String upper = word.toUpperCase(Locale.ROOT);
        add(Token.Kind.WORD, upper, wordStart);
        trackRoutineBody(upper);
    }

    /**
     * psql's rule for {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE … BEGIN ATOMIC … END}: in such a statement, at
     * parenthesis depth 0, BEGIN opens a block, CASE inside a block opens one too, and END closes one; semicolons
     * inside a block do not end the statement.
     */
    private void trackRoutineBody(String word) {
        if (parenDepth != 0 || !isRoutineDefinition()) {
            return;
        }
        switch (word) {
            case "BEGIN" -> atomicDepth++;
            case "CASE" -> atomicDepth += atomicDepth > 0 ? 1 : 0;
            case "END" -> atomicDepth -= atomicDepth > 0 ? 1 : 0;
            default -> {
            }
        }
    }

    private boolean isRoutineDefinition() {
        List<Token> t = tokens;
        if (t.size() < 2 || !t.get(0).is("CREATE")) {
            return false;
        }
        int i = t.get(1).is("OR") && t.size() > 3 && t.get(2).is("REPLACE") ? 3 : 1;
        return t.get(i).is("FUNCTION") || t.get(i).is("PROCEDURE");
    }

    private void number() {
        boolean hex = text.charAt(pos) == '0' && "xXoObB".indexOf(peek(1)) >= 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.' && Character.isDigit(peek(1))) {
                pos++;
            } else if ((c == '+' || c == '-') && !hex && pos > 0 && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E')
                    && Character.isDigit(peek(1))) {
                pos++;
            } else {
                return;
            }
        }
    }

    private void symbol(char c) {
        int tokenStart = pos;
        switch (c) {
            case '(' -> parenDepth++;
            case ')' -> parenDepth = Math.max(0, parenDepth - 1);
            case '[' -> bracketDepth++;
            case ']' -> bracketDepth = Math.max(0, bracketDepth - 1);
            default -> {
            }
        }
        advance();
        // A token's depth is that of its surroundings: "(" and ")" belong to the outer level.
        int depth = c == '(' ? parenDepth - 1 : c == ')' ? parenDepth + 1 : parenDepth;
        tokens.add(new Token(Token.Kind.SYMBOL, String.valueOf(c), tokenStart - start, pos - start, depth));
    }

    private boolean isCopyFromStdin(SqlStatement statement) {
        if (!statement.startsWith("COPY")) {
            return false;
        }
        List<Token> t = statement.tokens();
        for (int i = 0; i + 1 < t.size(); i++) {
            if (t.get(i).is("FROM") && t.get(i).depth() == 0 && t.get(i + 1).is("STDIN")) {
                return true;
            }
        }
        return false;
    }

    /** Skips the rest of the COPY's line and the data lines after it, through the line {@code \.} (as psql does). */
    private void skipCopyData() {
        while (pos < text.length() && text.charAt(pos) != '\n') {
            pos++;
        }
        while (pos < text.length()) {
            advance();
            int lineEnd = text.indexOf('\n', pos);
            String dataLine = text.substring(pos, lineEnd < 0 ? text.length() : lineEnd);
            pos = lineEnd < 0 ? text.length() : lineEnd;
            if (dataLine.strip().equals("\\.")) {
                return;
            }
        }
    }

    private boolean isPsqlVariable() {
        char next = peek(1);
        return Character.isLetter(next) || next == '_' || next == '\'' || next == '"';
    }

    private String psqlVariable() {
        int end = pos + 1;
        char quote = peek(1);
        if (quote == '\'' || quote == '"') {
            int close = text.indexOf(quote, pos + 2);
            end = close < 0 ? text.length() : close + 1;
        } else {
            while (end < text.length() && isIdentifierPart(text.charAt(end))) {
                end++;
            }
        }
        return text.substring(pos, Math.min(end, pos + 64));
    }

    private char peek(int offset) {
        int i = pos + offset;
        return i < text.length() ? text.charAt(i) : '\0';
    }

    private void advance() {
        if (text.charAt(pos) == '\n') {
            line++;
        }
        pos++;
    }

    private void skipLineComment() {
        while (pos < text.length() && text.charAt(pos) != '\n') {
            pos++;
        }
    }

    private void skipBlockComment() {
        int commentLine = line;
        int depth = 0;
        while (pos < text.length()) {
            if (text.charAt(pos) == '/' && peek(1) == '*') {
                depth++;
                advance();
                advance();
            } else if (text.charAt(pos) == '*' && peek(1) == '/') {
                depth--;
                advance();
                advance();
                if (depth == 0) {
                    return;
                }
            } else {
                advance();
            }
        }
        throw new Refusal("block comment is never closed", commentLine);
    }

    private boolean isEscapeStringPrefix() {
        return pos > 0 && (text.charAt(pos - 1) == 'E' || text.charAt(pos - 1) == 'e')
                && (pos < 2 || !isIdentifierPart(text.charAt(pos - 2)));
    }

    /** Skips a quoted string or identifier and returns its content with doubled quotes undone. */
    private String skipQuoted(char quote, boolean backslashEscapes) {
        int quoteLine = line;
        advance();
        StringBuilder content = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (backslashEscapes && c == '\\' && pos + 1 < text.length()) {
                advance();
                advance();
            } else if (c == quote) {
                advance();
                if (pos < text.length() && text.charAt(pos) == quote) {
                    content.append(quote);
                    advance();
                } else {
                    return content.toString();
                }
            } else {
                content.append(c);
                advance();
            }
        }
        throw new Refusal((quote == '"' ? "quoted identifier" : "string literal") + " is never closed", quoteLine);
    }

    /** Length of the dollar-quote tag starting at pos ({@code $$} or {@code $tag$}), or 0 when there is none. */
    private int dollarTagLength() {
        int i = pos + 1;
        if (i < text.length() && text.charAt(i) == '$') {
            return 2;
        }
        if (i >= text.length() || !(Character.isLetter(text.charAt(i)) || text.charAt(i) == '_')) {
            return 0;
        }
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
            i++;
        }
        return i < text.length() && text.charAt(i) == '$' ? i + 1 - pos : 0;
    }

    private void skipDollarQuoted() {
        int bodyLine = line;
        String tag = text.substring(pos, pos + dollarTagLength());
        for (int i = 0; i < tag.length(); i++) {
            advance();
        }
        int end = text.indexOf(tag, pos);
        if (end < 0) {
            throw new Refusal("dollar-quoted body " + tag + " is never closed", bodyLine);
        }
        while (pos < end + tag.length()) {
            advance();
        }
    }

    private boolean previousIsIdentifierPart() {
        return pos > 0 && isIdentifierPart(text.charAt(pos - 1));
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private String metaCommand() {
        int end = pos + 1;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        return text.substring(pos, Math.min(end, pos + 20));
    }
}
