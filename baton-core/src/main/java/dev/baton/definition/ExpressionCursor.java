package dev.baton.definition;

/** Reading position in an expression's text, shared by the path and condition parsers. */
final class ExpressionCursor {
    /** Deeper parentheses are hostile input, not conditions. */
    static final int MAX_NESTING = 64;

    private final String text;
    private int position;
    private int nesting;

    ExpressionCursor(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }

    int position() {
        return position;
    }

    boolean atEnd() {
        return position >= text.length();
    }

    char peek() {
        return atEnd() ? '\0' : text.charAt(position);
    }

    void skipSpaces() {
        while (!atEnd() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    boolean take(char c) {
        if (peek() == c && !atEnd()) {
            position++;
            return true;
        }
        return false;
    }

    /** Takes {@code token} if the text continues with it, after optional spaces. */
    boolean takeToken(String token) {
        skipSpaces();
        if (text.startsWith(token, position)) {
            position += token.length();
            return true;
        }
        return false;
    }

    /** Takes a keyword only when it is not the start of a longer identifier. */
    boolean takeWord(String word) {
        skipSpaces();
        int end = position + word.length();
        if (text.startsWith(word, position) && (end >= text.length() || !isIdentifierPart(text.charAt(end)))) {
            position = end;
            return true;
        }
        return false;
    }

    String identifier() {
        int start = position;
        while (!atEnd() && isIdentifierPart(text.charAt(position))) {
            position++;
        }
        return text.substring(start, position);
    }

    String digits() {
        int start = position;
        while (!atEnd() && Character.isDigit(text.charAt(position))) {
            position++;
        }
        return text.substring(start, position);
    }

    String number() {
        int start = position;
        take('-');
        if (digits().isEmpty()) {
            position = start;
            return "";
        }
        if (peek() == '.') {
            position++;
            if (digits().isEmpty()) {
                throw error("expected digits after the decimal point");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            position++;
            if (!take('+')) {
                take('-');
            }
            if (digits().isEmpty()) {
                throw error("expected an exponent");
            }
        }
        return text.substring(start, position);
    }

    String quoted() {
        char quote = text.charAt(position++);
        var value = new StringBuilder();
        while (!atEnd()) {
            char c = text.charAt(position++);
            if (c == quote) {
                return value.toString();
            }
            if (c == '\\' && !atEnd()) {
                c = text.charAt(position++);
            }
            value.append(c);
        }
        throw error("unterminated string");
    }

    void enterParenthesis() {
        if (++nesting > MAX_NESTING) {
            throw error("parentheses nested more than " + MAX_NESTING + " levels deep");
        }
    }

    void leaveParenthesis() {
        nesting--;
    }

    ExpressionException error(String message) {
        return new ExpressionException(message, position + 1);
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }
}
