package dev.baton.definition;

import java.util.List;
import java.util.stream.Collectors;

/** A workflow definition was rejected; {@link #problems()} lists every problem found, not just the first. */
public final class InvalidDefinitionException extends RuntimeException {
    private final List<DefinitionProblem> problems;

    public InvalidDefinitionException(List<DefinitionProblem> problems) {
        super(problems.stream().map(DefinitionProblem::toString).collect(Collectors.joining("\n")), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<DefinitionProblem> problems() {
        return problems;
    }
}
