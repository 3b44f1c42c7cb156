package io.jobpulse.cluster;

/** No bus: one node on H2, or {@code jobpulse.bus=poll} (the fast poll finds every change). */
final class QuietBus implements ClusterBus {

    private final BusState state;

    QuietBus(BusState state) {
        this.state = state;
    }

    @Override
    public void start(Listener listener) {
        // nothing to hear
    }

    @Override
    public void send(BusMessage message) {
        // nobody to tell: the other nodes poll
    }

    @Override
    public BusState state() {
        return state;
    }

    @Override
    public long reconnects() {
        return 0;
    }

    @Override
    public void close() {
        // nothing open
    }
}
