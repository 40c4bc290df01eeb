package io.prodscript.engine.sql;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's Unicode escapes in {@code U&"…"} identifiers: {@code U&"\0073etval"} is the name {@code setval}, and an
 * optional {@code UESCAPE 'c'} after the closing quote names another escape character. Every reader of names decodes
 * them the same way, so a rule that looks for a name cannot be passed by spelling it with escapes.
 */
public final class UnicodeEscapes {
    private static final Pattern UESCAPE = Pattern.compile("\\s*(?i:uescape)\\s*'([^'])'");

    private UnicodeEscapes() {
    }

    /** Whether the quote at {@code quote} in {@code text} opens a Unicode escape name or string: {@code U&"…"}, {@code u&'…'}. */
    public static boolean prefixes(String text, int quote) {
        return quote >= 2 && text.charAt(quote - 1) == '&' && (text.charAt(quote - 2) == 'U' || text.charAt(quote - 2) == 'u')
                && (quote < 3 || !isIdentifierPart(text.charAt(quote - 3)));
    }

    /**
     * The {@code UESCAPE 'c'} clause starting at {@code from} (after optional white space), or null when there is none.
     *
     * @return a match whose group 1 is the escape character and whose end is where the clause ends
     */
    public static Matcher uescapeAt(String text, int from) {
        Matcher m = UESCAPE.matcher(text).region(from, text.length());
        return m.lookingAt() ? m : null;
    }

    /** The name with its escapes decoded: the escape doubled, or four or (after {@code +}) six hex digits. */
    public static String decode(String name, char escape) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != escape || i + 1 >= name.length()) {
                out.append(c);
            } else if (name.charAt(i + 1) == escape) {
                out.append(escape);
                i++;
            } else {
                boolean six = name.charAt(i + 1) == '+';
                int from = i + (six ? 2 : 1);
                int to = from + (six ? 6 : 4);
                if (to > name.length() || !name.substring(from, to).matches("[0-9A-Fa-f]+")) {
                    out.append(c);
                    continue;
                }
                out.appendCodePoint(Integer.parseInt(name.substring(from, to), 16));
                i = to - 1;
            }
        }
        return out.toString();
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
