package dev.baton.worker.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * An outcome ready to be published (and republished, for a redelivered command): the outcome,
 * its serialised JSON, and the time it was decided (the CloudEvents {@code ce_time}).
 */
public final class Answer {

    private final Outcome outcome;
    private final byte[] json;
    private final Instant decidedAt;

    private Answer(Outcome outcome, byte[] json, Instant decidedAt) {
        this.outcome = outcome;
        this.json = json;
        this.decidedAt = decidedAt;
    }

    /**
     * Serialises an outcome.
     *
     * @param outcome the outcome
     * @param mapper the mapper to write JSON with
     * @param decidedAt when the outcome was decided; kept to the millisecond
     * @return the answer
     */
    public static Answer of(Outcome outcome, ObjectMapper mapper, Instant decidedAt) {
        Objects.requireNonNull(outcome, "outcome");
        try {
            byte[] json = mapper.writeValueAsBytes(outcome.toJson(mapper));
            return new Answer(outcome, json, decidedAt.truncatedTo(ChronoUnit.MILLIS));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The outcome.
     *
     * @return the outcome
     */
    public Outcome outcome() {
        return outcome;
    }

    /**
     * The outcome's JSON, UTF-8. Callers must not modify the array.
     *
     * @return the record value
     */
    public byte[] json() {
        return json;
    }

    /**
     * When the outcome was decided.
     *
     * @return the instant, millisecond precision
     */
    public Instant decidedAt() {
        return decidedAt;
    }
}
