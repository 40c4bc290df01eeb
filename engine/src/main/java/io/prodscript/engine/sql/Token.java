package io.prodscript.engine.sql;

import java.util.Locale;

/**
 * One lexical token of a statement, as PostgreSQL's lexer would see it.
 *
 * @param kind   what it is
 * @param text   a {@link Kind#WORD} in upper case; a {@link Kind#QUOTED} identifier's name without quotes (exact
 *               case, doubled quotes undone); a {@link Kind#STRING}'s content (only for plain {@code '…'} strings,
 *               else empty); a number or symbol as written ({@code ::} is one symbol)
 * @param offset where the token starts in the statement's text
 * @param end    where it ends (exclusive) in the statement's text
 * @param depth  how many parentheses enclose it
 */
public record Token(Kind kind, String text, int offset, int end, int depth) {
    /** The kinds of tokens the splitter tells apart. */
    public enum Kind {
        /** A keyword or an unquoted identifier. */
        WORD,
        /** A double-quoted identifier. */
        QUOTED,
        /** A string constant of any form: {@code '…'}, {@code E'…'}, {@code U&'…'}, {@code B'…'}, {@code $$…$$}. */
        STRING,
        NUMBER,
        /** Any other character, and {@code ::}. */
        SYMBOL
    }

    /** Whether this token names {@code lowerCaseName}, written bare in any case or quoted exactly as stored. */
    public boolean names(String lowerCaseName) {
        return kind == Kind.WORD && text.equals(lowerCaseName.toUpperCase(Locale.ROOT))
                || kind == Kind.QUOTED && text.equals(lowerCaseName);
    }

    /** Whether this is the bare word (keyword) {@code upperCaseWord}. */
    public boolean is(String upperCaseWord) {
        return kind == Kind.WORD && text.equals(upperCaseWord);
    }

    /** Whether this is the symbol {@code symbol}. */
    public boolean isSymbol(String symbol) {
        return kind == Kind.SYMBOL && text.equals(symbol);
    }

    /** Whether this token is an identifier: a bare word or a quoted name. */
    public boolean isName() {
        return kind == Kind.WORD || kind == Kind.QUOTED;
    }

    /** The name as PostgreSQL stores it: quoted names exactly, bare words folded to lower case. */
    public String storedName() {
        return kind == Kind.QUOTED ? text : text.toLowerCase(Locale.ROOT);
    }
}
