package dev.baton.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Regression (issue 6, found by the reliability fuzzer): the protocol parser stopped after the first JSON value, so a
 * broken record such as {@code {"workflow":"w"}}} or {@code {"workflow":"w"}x} was taken for a valid start request and
 * started an instance instead of going to the dead-letter topic.
 */
class TrailingDataTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRejectDataAfterTheJsonValue() {
        for (String garbage : new String[] {"}", "]", "x", " {\"workflow\":1}", ",", "\"", "null", "{", "{}"}) {
            assertThatThrownBy(() -> StartRequest.parse(bytes("{\"workflow\":\"w\"}" + garbage)))
                    .as("trailing %s", garbage)
                    .isInstanceOf(MalformedMessageException.class)
                    .hasMessageStartingWith("start request: not valid JSON");
            assertThatThrownBy(() -> WorkerOutcome.parse(bytes(
                            "{\"commandId\":\"i/a/1\",\"instanceId\":\"i\",\"stepId\":\"a\",\"status\":\"SUCCEEDED\"}"
                                    + garbage)))
                    .isInstanceOf(MalformedMessageException.class)
                    .hasMessageStartingWith("outcome: not valid JSON");
        }
    }

    @Test
    void shouldStillAcceptWhitespaceAfterTheJsonValue() {
        assertThat(StartRequest.parse(bytes("{\"workflow\":\"w\"} \n\t")).workflow())
                .isEqualTo("w");
        assertThat(RequestMessage.parse(bytes("\n{\"operation\":\"cancel\"}\n")))
                .isInstanceOf(OperatorRequest.class);
    }
}
