package dev.baton.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;

/** Serialisation of values Baton built itself, which cannot fail short of a bug. */
final class Writing {
    private Writing() {}

    static byte[] bytes(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
