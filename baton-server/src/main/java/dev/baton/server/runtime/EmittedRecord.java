package dev.baton.server.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.engine.Outbound.Emit;
import dev.baton.protocol.Json;
import java.io.UncheckedIOException;

/** The value of a record an emit step publishes: its mapped value as JSON, exactly as the step's {@code value} built it. */
final class EmittedRecord {
    private EmittedRecord() {}

    static byte[] value(Emit emit) {
        try {
            return Json.mapper().writeValueAsBytes(emit.value());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // the value is a plain tree the engine built: a bug
        }
    }
}
