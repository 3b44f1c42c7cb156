package io.jobpulse.hub;

import static io.jobpulse.hub.HubFakes.progressEvent;
import static io.jobpulse.hub.HubFakes.succeededEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobpulse.hub.HubFakes.FakeHistory;
import io.jobpulse.hub.HubFakes.RecordingWatcher;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.protocol.JobJson;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SubscriptionTest {

    private final JobId job = JobId.random();
    private final RecordingWatcher watcher = new RecordingWatcher();
    private final FakeHistory history = new FakeHistory();
    private final List<Subscription> endedAtHub = new ArrayList<>();
    private final Subscription subscription = new Subscription(job, watcher, history, endedAtHub::add);

    @Test
    void holdsLiveEventsBackUntilStartedThenSendsThemAfterTheOpening() {
        offer(progressEvent(job, 3));
        offer(progressEvent(job, 4));
        assertThat(watcher.log).isEmpty();

        subscription.start(2, false, w -> watcher.log.add("opening"));

        assertThat(watcher.log).containsExactly("opening", "send 3", "send 4");
        assertThat(subscription.lastSeq()).isEqualTo(4);
        assertThat(history.calls).isEmpty();
    }

    @Test
    void dropsHeldEventsTheOpeningAlreadyCovers() {
        offer(progressEvent(job, 2));
        offer(progressEvent(job, 3));

        subscription.start(3, false, w -> watcher.log.add("opening"));
        offer(progressEvent(job, 4));

        assertThat(watcher.log).containsExactly("opening", "send 4");
    }

    @Test
    void dropsRepeats() {
        subscription.start(1, false, w -> {});

        offer(progressEvent(job, 2));
        offer(progressEvent(job, 2));
        offer(progressEvent(job, 1));
        offer(progressEvent(job, 3));
        offer(progressEvent(job, 2));

        assertThat(watcher.seqs()).containsExactly(2L, 3L);
    }

    @Test
    void fillsAGapFromHistoryInOrderBeforeTheNewerEvent() {
        history.with(progressEvent(job, 4), progressEvent(job, 2), progressEvent(job, 3));
        subscription.start(1, false, w -> {});
        JobEvent newer = progressEvent(job, 5);
        String newerText = JobJson.eventText(newer);

        subscription.offer(newer, newerText);

        assertThat(watcher.seqs()).containsExactly(2L, 3L, 4L, 5L);
        assertThat(history.calls).containsExactly("1..4");
        assertThat(watcher.texts.get(0)).isEqualTo(JobJson.eventText(progressEvent(job, 2)));
        assertThat(watcher.texts.get(3)).isSameAs(newerText);
    }

    @Test
    void announcesWhatTheHistoryNoLongerHoldsAsSkipped() {
        // a compacted job: of 2..9 only the newest progress (8) is stored; 10 is its terminal event
        history.with(progressEvent(job, 8));
        subscription.start(1, false, w -> {});
        JobEvent terminal = succeededEvent(job, 10);

        subscription.offer(terminal, JobJson.eventText(terminal));

        assertThat(watcher.seqs()).containsExactly(8L, 10L);
        assertThat(watcher.texts.get(0))
                .isEqualTo(withSkipped(JobJson.eventText(progressEvent(job, 8)), "{\"from\":2,\"to\":7}"));
        assertThat(watcher.texts.get(1)).isEqualTo(withSkipped(JobJson.eventText(terminal), "{\"from\":9,\"to\":9}"));
        assertThat(watcher.log).endsWith("ended");
    }

    @Test
    void waitsRatherThanSkipsWhenTheGapIsLongerThanOneHistoryRead() {
        subscription.start(1, false, w -> {});

        offer(succeededEvent(job, 2 + EventHistory.MAX_READ + 1));

        assertThat(watcher.log).isEmpty();
    }

    private static String withSkipped(String eventText, String range) {
        return eventText.substring(0, eventText.length() - 1) + ",\"skipped\":" + range + "}";
    }

    @Test
    void fillsAGapBetweenTheStartingPointAndHeldEvents() {
        history.with(progressEvent(job, 3));
        offer(progressEvent(job, 4));

        subscription.start(2, false, w -> watcher.log.add("opening"));

        assertThat(watcher.log).containsExactly("opening", "send 3", "send 4");
    }

    @Test
    void aTerminalEventEndsTheSubscriptionOnce() {
        subscription.start(1, false, w -> {});

        offer(progressEvent(job, 2));
        offer(succeededEvent(job, 3));
        offer(succeededEvent(job, 3));
        offer(progressEvent(job, 4));

        assertThat(watcher.log).containsExactly("send 2", "send 3", "ended");
        assertThat(watcher.endedCalls).isEqualTo(1);
        assertThat(endedAtHub).as("the hub forgets it once").containsExactly(subscription);
        assertThat(subscription.isEnded()).isTrue();
    }

    @Test
    void aTerminalEventFromHistoryEndsTheSubscriptionOnce() {
        history.with(progressEvent(job, 2), succeededEvent(job, 3));
        subscription.start(1, false, w -> {});

        offer(progressEvent(job, 9));

        assertThat(watcher.seqs()).as("nothing after the terminal event").containsExactly(2L, 3L);
        assertThat(watcher.endedCalls).isEqualTo(1);
    }

    @Test
    void aHeldTerminalEventEndsTheSubscriptionWhenStarted() {
        offer(succeededEvent(job, 2));

        subscription.start(1, false, w -> watcher.log.add("opening"));

        assertThat(watcher.log).containsExactly("opening", "send 2", "ended");
    }

    @Test
    void startingAtTheEndEndsAtOnceAfterTheOpening() {
        offer(progressEvent(job, 6));

        subscription.start(5, true, w -> watcher.log.add("opening"));
        offer(progressEvent(job, 7));

        assertThat(watcher.log).containsExactly("opening", "ended");
        assertThat(watcher.endedCalls).isEqualTo(1);
        assertThat(subscription.isEnded()).isTrue();
    }

    @Test
    void theOpeningIsHandedTheWatcher() {
        Watcher[] seen = new Watcher[1];

        subscription.start(0, false, w -> seen[0] = w);

        assertThat(seen[0]).isSameAs(watcher);
        assertThat(subscription.watcher()).isSameAs(watcher);
        assertThat(subscription.job()).isEqualTo(job);
    }

    @Test
    void theWatcherIsCalledWithoutALockSoAnotherPublisherNeverWaitsForIt() throws Exception {
        CountDownLatch inSend = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> sent = new CopyOnWriteArrayList<>();
        Subscription slow = new Subscription(
                job,
                new Watcher() {
                    @Override
                    public void send(JobEvent event, String text) {
                        sent.add(event.seq());
                        if (event.seq() == 1) {
                            inSend.countDown();
                            await(release);
                        }
                    }

                    @Override
                    public void ended(Subscription s) {}
                },
                history,
                s -> {});
        slow.start(0, false, w -> {});
        Thread first = new Thread(() -> slow.offer(progressEvent(job, 1), "1"));
        first.start();
        assertThat(inSend.await(10, TimeUnit.SECONDS)).isTrue();

        slow.offer(progressEvent(job, 2), "2"); // returns at once: the delivering thread takes it

        assertThat(sent).containsExactly(1L);
        release.countDown();
        first.join(10_000);
        assertThat(sent).as("delivered in order by the first thread").containsExactly(1L, 2L);
    }

    @Test
    void aWatcherThatThrowsDoesNotWedgeTheSubscription() {
        List<Long> sent = new ArrayList<>();
        boolean[] fail = {true};
        Subscription flaky = new Subscription(
                job,
                new Watcher() {
                    @Override
                    public void send(JobEvent event, String text) {
                        if (fail[0]) {
                            fail[0] = false;
                            throw new IllegalStateException("reset");
                        }
                        sent.add(event.seq());
                    }

                    @Override
                    public void ended(Subscription s) {}
                },
                history,
                s -> {});
        flaky.start(0, false, w -> {});
        history.with(progressEvent(job, 1));

        assertThatThrownBy(() -> flaky.offer(progressEvent(job, 1), "1")).isInstanceOf(IllegalStateException.class);
        flaky.offer(progressEvent(job, 2), "2");

        assertThat(sent)
                .as("the next offer delivers, filling the gap from history")
                .containsExactly(1L, 2L);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void offer(JobEvent event) {
        subscription.offer(event, JobJson.eventText(event));
    }
}
