package dev.baton.server.runtime;

/**
 * A record value on its way out of the orchestrator, with the topic it goes to: commands, results, status and dead
 * letters all leave through one sink whose topic is chosen per record.
 */
record Routed(String topic, byte[] value) {}
