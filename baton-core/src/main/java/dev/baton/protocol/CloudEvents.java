package dev.baton.protocol;

/**
 * The CloudEvents 1.0 vocabulary of Baton's records: the {@code source} and {@code type} attributes and the data's
 * media type. The server writes them with the CloudEvents SDK's Kafka binding (binary content mode: each attribute is
 * a {@code ce_<name>} header, the data is the record value unchanged); docs/protocol.md lists the attributes of each
 * message.
 */
public final class CloudEvents {
    public static final String SPEC_VERSION = "1.0";
    public static final String SOURCE = "baton";
    /** Every record value Baton writes is a JSON document. */
    public static final String CONTENT_TYPE = "application/json";

    public static final String REQUEST = "dev.baton.request.v1";
    public static final String COMMAND = "dev.baton.command.v1";
    public static final String OUTCOME = "dev.baton.outcome.v1";
    public static final String RESULT = "dev.baton.result.v1";
    public static final String STATUS = "dev.baton.status.v1";
    public static final String DEFINITION = "dev.baton.definition.v1";

    private CloudEvents() {}
}
