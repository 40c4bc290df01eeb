package io.prodscript.engine.sql;

import io.prodscript.engine.Refusal;
import java.util.ArrayList;
import java.util.List;

/**
 * One statement of a script as the splitter found it.
 *
 * @param line   the script line of the statement's first token
 * @param text   the statement without its terminating semicolon or leading comments
 * @param tokens the statement's tokens in order; comments are not among them
 */
public record SqlStatement(int line, String text, List<Token> tokens) {
    public SqlStatement {
        tokens = List.copyOf(tokens);
    }

    /** The statement's bare words (keywords and unquoted identifiers) in upper case, in order. */
    public List<String> words() {
        return tokens.stream().filter(t -> t.kind() == Token.Kind.WORD).map(Token::text).toList();
    }

    /** Whether the statement begins with exactly these bare words. */
    public boolean startsWith(String... leading) {
        if (tokens.size() < leading.length) {
            return false;
        }
        for (int i = 0; i < leading.length; i++) {
            if (!tokens.get(i).is(leading[i])) {
                return false;
            }
        }
        return true;
    }

    /** Whether the bare word appears anywhere outside strings, quoted names and comments. */
    public boolean mentions(String word) {
        return tokens.stream().anyMatch(t -> t.is(word));
    }

    /** The first bare word, or an empty string when the statement starts otherwise (e.g. with a parenthesis). */
    public String firstWord() {
        return !tokens.isEmpty() && tokens.get(0).kind() == Token.Kind.WORD ? tokens.get(0).text() : "";
    }

    /** Whether the routine's {@code LANGUAGE} is {@code sql} or {@code plpgsql}, or not given. */
    private boolean inSqlLanguage() {
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).is("LANGUAGE") && tokens.get(i + 1).isName()) {
                String language = tokens.get(i + 1).storedName();
                return language.equals("sql") || language.equals("plpgsql");
            }
        }
        return true;
    }

    /** Whether this is {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE}: a definition with a body. */
    public boolean definesRoutine() {
        return startsWith("CREATE", "FUNCTION") || startsWith("CREATE", "PROCEDURE")
                || startsWith("CREATE", "OR", "REPLACE", "FUNCTION") || startsWith("CREATE", "OR", "REPLACE", "PROCEDURE");
    }

    /**
     * The statements of the bodies written as strings in a routine definition ({@code AS $$ … $$} or {@code AS '…'});
     * empty for other statements. Lines are those of the script. A body in another language than SQL or PL/pgSQL that
     * does not read as SQL gives none.
     *
     * @throws Refusal when a body of a {@code LANGUAGE sql} or {@code plpgsql} routine does not read as SQL: rules
     *                 that look inside bodies must not be passed by a body they cannot read
     */
    public List<SqlStatement> bodyStatements() {
        if (!definesRoutine()) {
            return List.of();
        }
        List<SqlStatement> statements = new ArrayList<>();
        for (Token token : tokens) {
            if (token.kind() != Token.Kind.STRING) {
                continue;
            }
            String raw = text.substring(token.offset(), token.end());
            int tag = raw.startsWith("$") ? raw.indexOf('$', 1) + 1 : 0;
            String body = tag > 0 ? raw.substring(tag, raw.length() - tag) : token.text();
            int bodyLine = lineOf(token.offset() + tag);
            try {
                statements.addAll(StatementSplitter.split(body, bodyLine));
            } catch (Refusal notSql) {
                if (inSqlLanguage()) {
                    throw new Refusal("the body of this routine cannot be read as SQL (" + notSql.getMessage() + ")",
                            line);
                }
            }
        }
        return statements;
    }

    /** The script line on which the character at {@code offset} of the text lies. */
    public int lineOf(int offset) {
        int l = line;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                l++;
            }
        }
        return l;
    }

    /** The deepest nesting of parentheses in the statement. */
    public int depth() {
        return tokens.stream().mapToInt(Token::depth).max().orElse(0);
    }

    /**
     * The possibly qualified name starting at token {@code index} ({@code a}, {@code s.a}, {@code "S"."A"}), as
     * written but with its parts joined by bare dots, and a {@code U&"…"} part written as the plain quoted name it
     * stands for (so that {@code U&"\0073cript_runner".runs} is read, and resolved, as {@code "script_runner".runs});
     * empty when no name starts there.
     */
    public String nameAt(int index) {
        int last = nameEnd(index);
        StringBuilder name = new StringBuilder();
        for (int i = index; i <= last; i += 2) {
            Token part = tokens.get(i);
            name.append(i == index ? "" : ".").append(part.kind() == Token.Kind.QUOTED
                    ? Identifiers.quote(part.text())
                    : text.substring(part.offset(), part.end()));
        }
        return name.toString();
    }

    /** The index of the last token of the qualified name starting at {@code index}, or {@code index - 1} for none. */
    public int nameEnd(int index) {
        if (index >= tokens.size() || !tokens.get(index).isName()) {
            return index - 1;
        }
        int last = index;
        while (last + 2 < tokens.size() && tokens.get(last + 1).isSymbol(".") && tokens.get(last + 2).isName()) {
            last += 2;
        }
        return last;
    }

    /**
     * The statement with every string and number constant replaced by a placeholder ({@code 's'}, {@code 0}), and
     * comments and white space between tokens by one space: statements that differ only in their constants have the
     * same shape and so the same structure, which is all a parse is read for.
     */
    public String shape() {
        return shape(-1, -1);
    }

    /**
     * The shape with an opening parenthesis before token {@code openBefore} and a closing one before token
     * {@code closeBefore} (-1 for none), and without ONLY after UPDATE, FROM or INTO (a word about inheritance
     * children that does not change which table a statement names).
     */
    String shape(int openBefore, int closeBefore) {
        StringBuilder shape = new StringBuilder(text.length());
        Token previous = null;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.is("ONLY") && previous != null && (previous.is("UPDATE") || previous.is("FROM") || previous.is("INTO"))) {
                continue;
            }
            if (previous != null && previous.end() < t.offset()) {
                shape.append(' ');
            }
            if (i == openBefore) {
                shape.append("( ");
            }
            if (i == closeBefore) {
                shape.append(") ");
            }
            shape.append(switch (t.kind()) {
                case STRING -> "'s'";
                case NUMBER -> "0";
                default -> text.substring(t.offset(), t.end());
            });
            previous = t;
        }
        return shape.toString();
    }
}
