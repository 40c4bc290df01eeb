package io.prodscript.engine.sql;

import java.util.List;

/**
 * One statement of a script as the splitter found it.
 *
 * @param line  the script line of the statement's first token
 * @param text  the statement without its terminating semicolon or leading comments
 * @param words the statement's bare words (keywords and unquoted identifiers) in upper case, in order; words inside
 *              strings, quoted identifiers, dollar-quoted bodies and comments are not among them
 */
public record SqlStatement(int line, String text, List<String> words) {
    public SqlStatement {
        words = List.copyOf(words);
    }

    /** Whether the statement begins with exactly these words. */
    public boolean startsWith(String... leading) {
        if (words.size() < leading.length) {
            return false;
        }
        for (int i = 0; i < leading.length; i++) {
            if (!words.get(i).equals(leading[i])) {
                return false;
            }
        }
        return true;
    }

    /** Whether the word appears anywhere outside strings and comments. */
    public boolean mentions(String word) {
        return words.contains(word);
    }

    /** The first bare word, or an empty string. */
    public String firstWord() {
        return words.isEmpty() ? "" : words.get(0);
    }
}
