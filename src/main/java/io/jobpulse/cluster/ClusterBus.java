package io.jobpulse.cluster;

/**
 * How nodes tell each other things: at most once, in no guaranteed order, possibly not at all. Correctness comes from
 * the store (catch-up by {@code seq}, the backstop poll, leases); the bus only makes things fast. Kept this small so
 * that moving to another engine (Redis Streams, say) is a new implementation, not a rewrite.
 */
interface ClusterBus extends AutoCloseable {

    /** Starts hearing: every message of another node goes to {@code listener}, from the bus' own thread. */
    void start(Listener listener);

    /** Queues {@code message} for the other nodes; never blocks, may coalesce hints. */
    void send(BusMessage message);

    BusState state();

    /** Times the listening connection was re-opened after a failure. */
    long reconnects();

    @Override
    void close();

    /** What the bus hands over. Implementations must return quickly (they run on the bus' thread). */
    interface Listener {

        void received(BusMessage message);

        /**
         * The bus (re)connected: anything sent while it was away is lost, so every watched job must be caught up from
         * the store now.
         */
        void connected();
    }
}
