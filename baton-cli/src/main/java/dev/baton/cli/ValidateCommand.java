package dev.baton.cli;

import dev.baton.definition.DefinitionProblem;
import dev.baton.definition.DefinitionReader;
import dev.baton.definition.InvalidDefinitionException;
import dev.baton.definition.WorkflowDefinition;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description =
                "Check workflow definitions without deploying them; prints each problem with its file, line and field.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "YAML or JSON definition files.")
    List<Path> files;

    @Override
    public Integer call() {
        int failed = 0;
        for (Path file : files) {
            WorkflowDefinition d = readOrReport(file);
            if (d == null) {
                failed++;
            } else {
                System.out.println(file + ": ok (" + d.name() + ", " + d.steps().size() + " steps)");
            }
        }
        return failed == 0 ? 0 : BatonCli.FAILED;
    }

    /** Reads a definition, or prints why it cannot be read and returns null. */
    static WorkflowDefinition readOrReport(Path file) {
        try {
            return DefinitionReader.read(file);
        } catch (NoSuchFileException e) {
            System.err.println(file + ": no such file");
        } catch (IOException e) {
            System.err.println(file + ": cannot be read: " + e.getMessage());
        } catch (InvalidDefinitionException e) {
            for (DefinitionProblem p : e.problems()) {
                System.err.println(p);
            }
        }
        return null;
    }
}
