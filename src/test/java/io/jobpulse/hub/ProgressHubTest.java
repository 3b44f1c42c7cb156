package io.jobpulse.hub;

import static io.jobpulse.hub.HubFakes.progressEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.hub.HubFakes.FakeHistory;
import io.jobpulse.hub.HubFakes.RecordingWatcher;
import io.jobpulse.hub.HubFakes.ThrowingWatcher;
import io.jobpulse.job.JobEvent;
import io.jobpulse.job.JobId;
import io.jobpulse.protocol.JobJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressHubTest {

    private final ProgressHub hub = new ProgressHub();
    private final FakeHistory history = new FakeHistory();
    private final JobId job = JobId.random();
    private final JobId otherJob = JobId.random();

    @Test
    void publishReachesEverySubscriptionOfTheJobOnly() {
        RecordingWatcher first = watching(job);
        RecordingWatcher second = watching(job);
        RecordingWatcher other = watching(otherJob);

        hub.publish(List.of(progressEvent(job, 1)));

        assertThat(first.seqs()).containsExactly(1L);
        assertThat(second.seqs()).containsExactly(1L);
        assertThat(other.events).isEmpty();
        assertThat(hub.size()).isEqualTo(3);
    }

    @Test
    void encodesTheEventOnceForEveryWatcher() {
        RecordingWatcher first = watching(job);
        RecordingWatcher second = watching(job);
        RecordingWatcher third = watching(job);
        JobEvent event = progressEvent(job, 1);

        hub.publish(List.of(event));

        assertThat(first.texts).singleElement().isEqualTo(JobJson.eventText(event));
        assertThat(second.texts.get(0)).isSameAs(first.texts.get(0));
        assertThat(third.texts.get(0)).isSameAs(first.texts.get(0));
    }

    @Test
    void aWatcherThatThrowsDoesNotStopDeliveryToTheOthers() {
        Subscription broken = new Subscription(job, new ThrowingWatcher(), history, hub::remove);
        broken.start(0, false, w -> {});
        hub.add(broken);
        RecordingWatcher healthy = watching(job);

        hub.publish(List.of(progressEvent(job, 1)));
        hub.publish(List.of(progressEvent(job, 2)));

        assertThat(healthy.seqs()).containsExactly(1L, 2L);
    }

    @Test
    void watchedAmongAnswersTheJobsWithASubscriptionHere() {
        JobId unwatched = JobId.random();
        watching(job);
        Subscription leaving = started(otherJob, new RecordingWatcher());

        assertThat(hub.watchedAmong(List.of(job, otherJob, unwatched))).containsExactlyInAnyOrder(job, otherJob);
        hub.remove(leaving);
        assertThat(hub.watchedAmong(List.of(job, otherJob, unwatched))).containsExactly(job);
        assertThat(hub.watchedAmong(List.of())).isEmpty();
    }

    @Test
    void aRemovedSubscriptionGetsNothingMore() {
        RecordingWatcher staying = watching(job);
        RecordingWatcher leaving = new RecordingWatcher();
        Subscription leavingSubscription = started(job, leaving);
        hub.publish(List.of(progressEvent(job, 1)));

        hub.remove(leavingSubscription);
        hub.publish(List.of(progressEvent(job, 2)));

        assertThat(leaving.seqs()).containsExactly(1L);
        assertThat(staying.seqs()).containsExactly(1L, 2L);
        assertThat(hub.size()).isEqualTo(1);
    }

    @Test
    void oneCommitsEventsOfSeveralJobsReachEachWatcherInSeqOrder() {
        RecordingWatcher watcher = watching(job);
        RecordingWatcher other = watching(otherJob);

        hub.publish(List.of(
                progressEvent(job, 1),
                progressEvent(otherJob, 1),
                progressEvent(job, 2),
                HubFakes.succeededEvent(job, 3)));

        assertThat(watcher.log).containsExactly("send 1", "send 2", "send 3", "ended");
        assertThat(other.seqs()).containsExactly(1L);
        assertThat(hub.size()).as("the ended subscription is forgotten").isEqualTo(1);
    }

    @Test
    void publishingWithoutSubscriptionsDoesNothing() {
        hub.publish(List.of(progressEvent(job, 1)));

        assertThat(hub.size()).isZero();
    }

    private RecordingWatcher watching(JobId id) {
        RecordingWatcher watcher = new RecordingWatcher();
        started(id, watcher);
        return watcher;
    }

    private Subscription started(JobId id, Watcher watcher) {
        Subscription subscription = new Subscription(id, watcher, history, hub::remove);
        subscription.start(0, false, w -> {});
        hub.add(subscription);
        return subscription;
    }
}
