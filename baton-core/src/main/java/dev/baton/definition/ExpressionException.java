package dev.baton.definition;

/** A condition or path that cannot be parsed; {@link #column()} is 1-based within the expression. */
public final class ExpressionException extends IllegalArgumentException {
    private final int column;

    public ExpressionException(String message, int column) {
        super(message + " (at column " + column + ")");
        this.column = column;
    }

    public int column() {
        return column;
    }
}
