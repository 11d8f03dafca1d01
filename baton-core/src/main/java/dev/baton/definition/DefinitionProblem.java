package dev.baton.definition;

/**
 * One thing wrong with a workflow definition, located precisely enough to fix it without a stack trace.
 *
 * @param source where the definition came from (a file name, {@code "<builder>"}, {@code "<request>"})
 * @param line the 1-based line, or 0 when the definition did not come from text
 * @param field the field's path, e.g. {@code steps[2].after[0]}
 * @param message what is wrong, in words
 */
public record DefinitionProblem(String source, int line, String field, String message) {

    @Override
    public String toString() {
        String where = line > 0 ? source + ":" + line : source;
        return field.isEmpty() ? where + ": " + message : where + ": " + field + ": " + message;
    }

    DefinitionProblem at(String newSource, int newLine) {
        return new DefinitionProblem(newSource, newLine, field, message);
    }
}
