package dev.baton.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.definition.DefinitionProblem;
import dev.baton.definition.DefinitionReader;
import dev.baton.definition.DefinitionWriter;
import dev.baton.definition.InvalidDefinitionException;
import dev.baton.definition.WorkflowDefinition;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Issue 6, item 4 (definitions): structured fuzzing of YAML definitions ({@link DefinitionFuzz}). Whatever the
 * mutation, reading either gives a definition that survives a round trip through JSON, or rejects it with problems that
 * each say in words what is wrong, where, with no exception class name or stack frame in sight, and no exception
 * other than {@link InvalidDefinitionException} (no NullPointerException, ClassCastException, StackOverflowError...).
 * The same generator feeds the HTTP API in {@link HostileInputIT}.
 */
class DefinitionFuzzTest {
    static final AtomicInteger tried = new AtomicInteger();
    static final AtomicInteger accepted = new AtomicInteger();
    static final AtomicInteger rejected = new AtomicInteger();

    @Property(tries = 3000)
    void everyMutatedDefinitionIsReadOrRejectedWithClearProblems(@ForAll("definitions") String yaml) {
        tried.incrementAndGet();
        WorkflowDefinition read;
        try {
            read = DefinitionReader.read(yaml, "fuzz.yaml");
        } catch (InvalidDefinitionException e) {
            rejected.incrementAndGet();
            assertClear(e, "fuzz.yaml", yaml);
            return;
        }
        accepted.incrementAndGet();
        assertThat(DefinitionReader.read(DefinitionWriter.toJson(read), "fuzz.json"))
                .isEqualTo(read);
    }

    static void assertClear(InvalidDefinitionException e, String source, String text) {
        assertThat(e.problems()).as("problems of:\n%s", text).isNotEmpty();
        for (DefinitionProblem p : e.problems()) {
            assertThat(p.source()).isEqualTo(source);
            assertThat(p.line()).isNotNegative();
            assertThat(p.message()).as("a problem of:\n%s", text).isNotBlank();
            assertThat(DefinitionFuzz.LEAKED_EXCEPTION.matcher(p.toString()).find())
                    .as("an exception leaked into the problem '%s' of:\n%s", p, text)
                    .isFalse();
        }
    }

    /** The soak's version: many more definitions than the property's tries (skipped in CI). */
    @org.junit.jupiter.api.Test
    void soakManyMoreDefinitions() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Soak.on(), "soak only");
        int count = Soak.size("definitions", 0, 100_000);
        int before = tried.get();
        int acceptedBefore = accepted.get();
        DefinitionFuzz.definitions()
                .sampleStream()
                .limit(count)
                .forEach(this::everyMutatedDefinitionIsReadOrRejectedWithClearProblems);
        assertThat(tried.get() - before).isEqualTo(count);
        Soak.report(
                "DefinitionFuzzTest.soak",
                java.util.Map.of(
                        "definitionsTried",
                        count,
                        "accepted",
                        accepted.get() - acceptedBefore,
                        "rejectedWithProblems",
                        count - (accepted.get() - acceptedBefore)));
    }

    @Provide
    Arbitrary<String> definitions() {
        return DefinitionFuzz.definitions();
    }

    @AfterContainer
    static void report() {
        Soak.report(
                "DefinitionFuzzTest",
                java.util.Map.of(
                        "definitionsTried",
                        tried.get(),
                        "accepted",
                        accepted.get(),
                        "rejectedWithProblems",
                        rejected.get()));
    }
}
