package io.jobpulse.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.config.JobPulseConfig;
import io.jobpulse.config.SettingsSource;
import io.jobpulse.inprocess.ManualTicker;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import io.jobpulse.runtime.ContainerExecutors;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenSessions}: the handshake counts (node, address), the per-client slots, and its sweep (4000, 4001, lag),
 * which the test runs itself with the ticker moved by hand.
 */
class OpenSessionsTest {

    private final ManualTicker ticker = new ManualTicker();
    private final NodeMetrics metrics = new NodeMetrics();
    private Runnable sweep;
    private final OpenSessions sessions = new OpenSessions();

    OpenSessionsTest() {
        sessions.config = JobPulseConfig.from(new SettingsSource(
                Map.of(
                        "jobpulse.ws.max-connections", "3",
                        "jobpulse.ws.max-connections-per-address", "2",
                        "jobpulse.ws.max-connections-per-client", "1",
                        "jobpulse.ws.subscribe-deadline", "10s",
                        "jobpulse.ws.idle-timeout", "20s",
                        "jobpulse.ws.max-lag", "30s")::get,
                key -> null,
                key -> null));
        sessions.metrics = metrics;
        sessions.ticker = ticker;
        sessions.executors = new ContainerExecutors() {
            @Override
            public ScheduledExecutorService scheduler() {
                return (ScheduledExecutorService) Proxy.newProxyInstance(
                        getClass().getClassLoader(),
                        new Class<?>[] {ScheduledExecutorService.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("scheduleWithFixedDelay")) {
                                sweep = (Runnable) args[0];
                                assertThat((long) args[2]).isEqualTo(2500); // a quarter of the shortest bound
                                assertThat(args[3]).isEqualTo(TimeUnit.MILLISECONDS);
                                return Proxy.newProxyInstance(
                                        getClass().getClassLoader(),
                                        new Class<?>[] {ScheduledFuture.class},
                                        (p, m, a) -> false);
                            }
                            throw new UnsupportedOperationException(method.getName());
                        });
            }

            @Override
            public ExecutorService clientIo() {
                return new DirectExecutor();
            }
        };
        sessions.start(null);
    }

    private FakeSession open(String address) {
        FakeSession fake = new FakeSession();
        fake.completeInline = true;
        SessionOutbox outbox = new SessionOutbox(
                fake.session,
                new SessionOutbox.Bounds(100, 1 << 20, 64 * 1024, Duration.ofSeconds(30), 0),
                metrics,
                Runnable::run,
                ticker);
        Connection connection = new Connection(
                outbox,
                new io.jobpulse.watch.WatchService(),
                10,
                10,
                new Connection.Supervision(sessions::claimClient, code -> sessions.closeFor(fake.session, code)),
                ticker);
        sessions.add(fake.session, connection, address);
        return fake;
    }

    @Test
    void handshakesAreAdmittedUpToTheAddressLimitThenUpToTheNodeLimit() {
        assertThat(sessions.admit("a")).isEmpty();
        assertThat(sessions.admit("a")).isEmpty();
        assertThat(sessions.admit("a"))
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(429));
        assertThat(sessions.admit("b")).isEmpty();
        assertThat(sessions.admit("c"))
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(503));
        sessions.withdraw("a");
        assertThat(sessions.admit("a")).isEmpty();
    }

    @Test
    void aRemovedSessionGivesBackItsAddressSlot() {
        assertThat(sessions.admit("a")).isEmpty();
        assertThat(sessions.admit("a")).isEmpty();
        FakeSession first = open("a");
        open("a");
        assertThat(sessions.size()).isEqualTo(2);
        sessions.remove(first.session);
        assertThat(sessions.size()).isEqualTo(1);
        assertThat(sessions.admit("a")).isEmpty();
    }

    @Test
    void anApiClientGetsItsSlotsUpToTheLimit() {
        assertThat(sessions.claimClient("alice")).isTrue();
        assertThat(sessions.claimClient("alice")).isFalse();
        assertThat(sessions.claimClient("bob")).isTrue();
    }

    @Test
    void theSweepClosesAConnectionWithoutASubscriptionPastTheDeadlineWith4001ThenAnIdleOneWith4000() {
        FakeSession quiet = open("a");
        ticker.advance(Duration.ofSeconds(10));
        sweep.run();
        assertThat(quiet.closes).as("at the deadline, not past it").isEmpty();
        ticker.advance(Duration.ofMillis(1));
        sweep.run();
        assertThat(quiet.closeCodes()).containsExactly(4001);
        assertThat(metrics.get(Counter.WS_CLOSED_NO_SUBSCRIBE)).isEqualTo(1);
        sessions.remove(quiet.session); // the container's @OnClose

        FakeSession idle = open("b");
        ticker.advance(Duration.ofSeconds(21));
        sweep.run();
        assertThat(idle.closeCodes()).containsExactly(4000);
        assertThat(metrics.get(Counter.WS_CLOSED_IDLE)).isEqualTo(1);
    }

    @Test
    void closeForCountsEachCodeAndCloseAllSaysGoingAway() {
        FakeSession one = open("a");
        FakeSession two = open("b");
        sessions.closeFor(one.session, io.jobpulse.protocol.AppCloseCode.CLIENT_CONNECTIONS);
        assertThat(one.closeCodes()).containsExactly(4013);
        assertThat(metrics.get(Counter.WS_CLOSED_CLIENT_CONNECTIONS)).isEqualTo(1);
        sessions.closeAll(null);
        assertThat(two.closeCodes()).containsExactly(1001);
        assertThat(sessions.size()).isZero();
    }

    /** Runs every task at once on the caller's thread. */
    private static final class DirectExecutor extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {}

        @Override
        public java.util.List<Runnable> shutdownNow() {
            return java.util.List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
