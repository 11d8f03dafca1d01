package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.protocol.CloudEvents;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventSerializer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Baton writes its CloudEvents headers itself, for speed; the CloudEvents SDK's Kafka binding is the reference: for
 * any id, subject, type and time, the headers are the ones the SDK writes for the same event, in the same order, byte
 * for byte.
 */
class CloudEventHeadersTest {
    @Property(tries = 500)
    void shouldWriteTheHeadersTheSdkWritesForTheSameEvent(
            @ForAll @StringLength(min = 1, max = 40) String id,
            @ForAll @StringLength(min = 1, max = 40) String subject,
            @ForAll("types") String type,
            @ForAll @LongRange(min = 0, max = 4_102_444_800L) long epochSecond,
            @ForAll("nanos") int nano) {
        Instant time = Instant.ofEpochSecond(epochSecond, nano);

        Headers ours = CloudEventRecords.headers(type, id, subject, time);

        Headers sdk = new RecordHeaders();
        new CloudEventSerializer()
                .serialize(
                        "",
                        sdk,
                        CloudEventBuilder.v1()
                                .withId(id)
                                .withSource(URI.create(CloudEvents.SOURCE))
                                .withType(type)
                                .withSubject(subject)
                                .withTime(time.atOffset(ZoneOffset.UTC))
                                .withDataContentType(CloudEvents.CONTENT_TYPE)
                                .build());
        assertThat(described(ours)).isEqualTo(described(sdk));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> types() {
        return net.jqwik.api.Arbitraries.of(
                CloudEvents.COMMAND, CloudEvents.RESULT, CloudEvents.STATUS, CloudEvents.REQUEST, CloudEvents.OUTCOME);
    }

    /** Whole seconds, whole milliseconds and any nanosecond: the formatter drops trailing zeros, and so must Baton. */
    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Integer> nanos() {
        return net.jqwik.api.Arbitraries.oneOf(
                net.jqwik.api.Arbitraries.just(0),
                net.jqwik.api.Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
                net.jqwik.api.Arbitraries.integers().between(0, 999_999_999));
    }

    private static List<String> described(Headers headers) {
        var out = new ArrayList<String>();
        for (Header h : headers) {
            out.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
