package dev.baton.worker.internal;

import static dev.baton.worker.internal.TestCommands.MAPPER;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AnsweredCommandsTest {

    private static Answer answer(String commandId) {
        Command c = TestCommands.command("i", commandId, 1);
        return Answer.of(Outcome.succeeded(c, null, 1), MAPPER, Instant.EPOCH);
    }

    @Test
    void remembersAndReturnsTheSameAnswer() {
        AnsweredCommands memory = new AnsweredCommands(10);
        Answer a = answer("a");
        memory.remember("a", a);
        assertThat(memory.lookup("a")).containsSame(a);
        assertThat(memory.lookup("b")).isEmpty();
    }

    @Test
    void forgetsTheLeastRecentlyUsedBeyondCapacity() {
        AnsweredCommands memory = new AnsweredCommands(3);
        memory.remember("a", answer("a"));
        memory.remember("b", answer("b"));
        memory.remember("c", answer("c"));
        memory.lookup("a"); // a is now the most recently used
        memory.remember("d", answer("d"));
        assertThat(memory.size()).isEqualTo(3);
        assertThat(memory.lookup("b")).isEmpty();
        assertThat(memory.lookup("a")).isPresent();
        assertThat(memory.lookup("c")).isPresent();
        assertThat(memory.lookup("d")).isPresent();
    }

    @Test
    void staysBoundedUnderManyCommands() {
        AnsweredCommands memory = new AnsweredCommands(10_000);
        Answer a = answer("x");
        for (int i = 0; i < 25_000; i++) {
            memory.remember("cmd-" + i, a);
        }
        assertThat(memory.size()).isEqualTo(10_000);
        assertThat(memory.lookup("cmd-14999")).isEmpty();
        assertThat(memory.lookup("cmd-15000")).isPresent();
    }

    @Test
    void replacesAnAnswer() {
        AnsweredCommands memory = new AnsweredCommands(2);
        Answer second = answer("a2");
        memory.remember("a", answer("a"));
        memory.remember("a", second);
        assertThat(memory.lookup("a")).containsSame(second);
        assertThat(memory.size()).isEqualTo(1);
    }

    @Test
    void zeroCapacityRemembersNothing() {
        AnsweredCommands memory = new AnsweredCommands(0);
        memory.remember("a", answer("a"));
        assertThat(memory.lookup("a")).isEmpty();
    }
}
