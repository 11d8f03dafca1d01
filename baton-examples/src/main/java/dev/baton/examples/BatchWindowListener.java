package dev.baton.examples;

/**
 * Told when service C's batch window opens or closes, e.g. {@link StatusFeed#serviceCWindowChanged}
 * to print it. Called after the switch (when {@code online} is true the worker has been started,
 * when false it has stopped): the first time, going offline, on the thread that starts the
 * services, before {@link ArticleServices#start} returns; then on C's scheduler thread. Should
 * return quickly.
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
        return online -> {};
    }
}
