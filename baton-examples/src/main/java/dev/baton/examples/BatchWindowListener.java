package dev.baton.examples;

/**
 * Told when service C's batch window opens or closes, e.g. {@link StatusFeed#serviceCWindowChanged}
 * to print it. Called on the service's scheduler thread, after the switch: when {@code online}
 * is true the worker is consuming, when false it has stopped. Should return quickly.
 */
@FunctionalInterface
public interface BatchWindowListener {

    /**
     * The window changed.
     *
     * @param online true when service C came online (window opened), false when it went offline
     */
    void windowChanged(boolean online);

    /**
     * A listener that does nothing.
     *
     * @return the no-op listener
     */
    static BatchWindowListener none() {
        return online -> { };
    }
}
