package io.prodscript.engine.sql;

import io.prodscript.engine.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a script into statements at the semicolons PostgreSQL would split at. It follows PostgreSQL's lexical rules
 * (not its grammar, which {@link SqlParser} handles per statement): single-quoted strings with doubled quotes,
 * {@code E''} strings with backslash escapes, quoted identifiers, dollar-quoted bodies with optional tags, line
 * comments and nested block comments. A backslash outside all of these can only be a psql meta-command, which a
 * script run has no psql to interpret, so it is refused.
 */
public final class StatementSplitter {
    private final String text;
    private final int firstLine;
    private int pos;
    private int line;

    private StatementSplitter(String text, int firstLine) {
        this.text = text;
        this.firstLine = firstLine;
        this.line = firstLine;
    }

    /**
     * Splits {@code text}, whose first line is line {@code firstLine} of the script.
     *
     * @throws Refusal for an unterminated string, identifier, comment or dollar-quoted body, or a psql meta-command
     */
    public static List<SqlStatement> split(String text, int firstLine) {
        return new StatementSplitter(text, firstLine).split();
    }

    private List<SqlStatement> split() {
        List<SqlStatement> statements = new ArrayList<>();
        int start = -1;
        int startLine = firstLine;
        List<String> words = new ArrayList<>();
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
            if (c == ';') {
                if (start >= 0) {
                    statements.add(new SqlStatement(startLine, text.substring(start, pos).strip(), words));
                    start = -1;
                    words = new ArrayList<>();
                }
                advance();
                continue;
            }
            if (start < 0) {
                start = pos;
                startLine = line;
            }
            if (c == '\\') {
                throw new Refusal("psql meta-command (" + metaCommand() + ") is not allowed: scripts are plain SQL, run without psql", line);
            }
            if (c == '\'') {
                skipQuoted('\'', isEscapeStringPrefix());
            } else if (c == '"') {
                skipQuoted('"', false);
            } else if (c == '$' && !previousIsIdentifierPart() && dollarTagLength() > 0) {
                skipDollarQuoted();
            } else if (Character.isLetter(c) || c == '_') {
                int wordStart = pos;
                while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
                    pos++;
                }
                // E'...' is a string prefix, not a word; the quote is handled on the next pass.
                if (!(pos < text.length() && text.charAt(pos) == '\'' && pos - wordStart == 1)) {
                    words.add(text.substring(wordStart, pos).toUpperCase(Locale.ROOT));
                }
            } else {
                advance();
            }
        }
        if (start >= 0) {
            statements.add(new SqlStatement(startLine, text.substring(start).strip(), words));
        }
        return statements;
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
        int startLine = line;
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
        throw new Refusal("block comment is never closed", startLine);
    }

    private boolean isEscapeStringPrefix() {
        return pos > 0 && (text.charAt(pos - 1) == 'E' || text.charAt(pos - 1) == 'e')
                && (pos < 2 || !isIdentifierPart(text.charAt(pos - 2)));
    }

    private void skipQuoted(char quote, boolean backslashEscapes) {
        int startLine = line;
        advance();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (backslashEscapes && c == '\\' && pos + 1 < text.length()) {
                advance();
                advance();
            } else if (c == quote) {
                advance();
                if (pos < text.length() && text.charAt(pos) == quote) {
                    advance();
                } else {
                    return;
                }
            } else {
                advance();
            }
        }
        throw new Refusal((quote == '"' ? "quoted identifier" : "string literal") + " is never closed", startLine);
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
        int startLine = line;
        String tag = text.substring(pos, pos + dollarTagLength());
        for (int i = 0; i < tag.length(); i++) {
            advance();
        }
        int end = text.indexOf(tag, pos);
        if (end < 0) {
            throw new Refusal("dollar-quoted body " + tag + " is never closed", startLine);
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
