package io.jobpulse.inprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobpulse.client.ExternalJob;
import io.jobpulse.client.JobCancelledException;
import io.jobpulse.client.JobEvent;
import io.jobpulse.client.JobListener;
import io.jobpulse.client.JobPage;
import io.jobpulse.client.JobPulseClient;
import io.jobpulse.client.JobPulseException;
import io.jobpulse.client.JobQuery;
import io.jobpulse.client.JobState;
import io.jobpulse.client.JobView;
import io.jobpulse.client.ReportTarget;
import io.jobpulse.client.Submission;
import io.jobpulse.client.Watch;
import io.jobpulse.metrics.Counter;
import io.jobpulse.metrics.NodeMetrics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java client ({@code io.jobpulse.client}, docs/java-client.md) against the real server code in process: REST
 * calls with their exact answers and refusals, watches to the terminal event (also across a connection the server
 * drops, and from a snapshot), and the external-job handle (progress a watcher sees, a retry after a lost answer
 * applied once, a 429 retried, a cancel reaching the worker, close() failing a job left without an end).
 */
@Timeout(90)
class JavaClientTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final int REPORTS_PER_SECOND = 5;

    static InProcessServer server;
    static JobPulseClient alice;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(Map.of(
                "jobpulse.api-keys",
                "alice:alice-secret-key-0123,bob:bob-secret-key-0123,carol:carol-secret-key-0123",
                "jobpulse.external.reports-per-second",
                Integer.toString(REPORTS_PER_SECOND)));
        alice = client("alice-secret-key-0123");
    }

    @AfterAll
    static void stop() throws Exception {
        if (alice != null) {
            alice.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** In process the WebSocket has a port of its own; in a container it is {@code <base>ws}, the default. */
    static JobPulseClient client(String apiKey) {
        return JobPulseClient.builder(base())
                .apiKey(apiKey)
                .webSocketUri(server.webSocket())
                .requestTimeout(WAIT)
                .reconnectDelays(Duration.ofMillis(50), Duration.ofMillis(400))
                .build();
    }

    static URI base() {
        return server.api("").resolve("..");
    }

    @Test
    void submitGetListAndCancelAnswerTheJobsInTheirExactStates() throws Exception {
        JobView queued = alice.submit(Submission.of("external", Map.of("file", "a.csv", "rows", List.of(1, 2)))
                .withName("export"));
        assertThat(queued.state()).isEqualTo(JobState.QUEUED);
        assertThat(queued.seq()).isEqualTo(1);
        assertThat(queued.name()).contains("export");
        assertThat(queued.owner()).contains("alice");
        assertThat(queued.external()).isTrue();
        assertThat(queued.params().getString("file")).isEqualTo("a.csv");
        assertThat(queued.watchToken()).hasValueSatisfying(t -> assertThat(t).startsWith("v1." + queued.id()));
        assertThat(queued.links().orElseThrow().self()).isEqualTo(server.api("jobs/" + queued.id()));
        assertThat(queued.reportTarget())
                .hasValueSatisfying(t -> assertThat(t.reportToken()).startsWith("r1." + queued.id()));

        JobView read = alice.get(queued.id());
        assertThat(read.id()).isEqualTo(queued.id());
        assertThat(read.state()).isEqualTo(JobState.QUEUED);
        assertThat(read.reportToken()).as("given once, at submit").isEmpty();

        JobView cancelled = alice.cancel(queued.id());
        assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
        assertThat(alice.cancel(queued.id()).state()).as("idempotent").isEqualTo(JobState.CANCELLED);

        JobView steps = alice.submit("steps", Map.of("count", 1000, "intervalMs", 50));
        Await.until(() -> alice.get(steps.id()).state(), s -> s == JobState.RUNNING, "the steps job runs");
        JobView asked = alice.cancel(steps.id());
        assertThat(asked.state()).isEqualTo(JobState.RUNNING);
        assertThat(asked.cancelRequested()).isTrue();
        Await.until(() -> alice.get(steps.id()).state(), s -> s == JobState.CANCELLED, "the steps job stops");

        Submission keyed = Submission.of("external", Map.of("n", 1)).withIdempotencyKey("java-client-test-1");
        JobView once = alice.submit(keyed);
        assertThat(alice.submit(keyed).id())
                .as("the same key and request: the same job")
                .isEqualTo(once.id());
        assertThatThrownBy(() -> alice.submit(keyed.withParams(Map.of("n", 2))))
                .as("the same key with another request")
                .isInstanceOfSatisfying(
                        JobPulseException.class, e -> assertThat(e.status()).isEqualTo(409));
        alice.cancel(once.id());

        try (JobPulseClient carol = client("carol-secret-key-0123")) {
            List<String> submitted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                submitted.add(carol.submit("external", Map.of("i", i)).id());
            }
            JobPage first = carol.list(JobQuery.all().withLimit(2));
            assertThat(first.jobs()).extracting(JobView::id).containsExactly(submitted.get(2), submitted.get(1));
            JobPage second = carol.list(first.next().orElseThrow());
            assertThat(second.jobs()).extracting(JobView::id).containsExactly(submitted.get(0));
            assertThat(second.next()).isEmpty();
            carol.cancel(submitted.get(1));
            assertThat(carol.list(JobQuery.all().withState(JobState.CANCELLED)).jobs())
                    .extracting(JobView::id)
                    .containsExactly(submitted.get(1));
            assertThat(carol.list().jobs()).hasSize(3);
        }
    }

    @Test
    void refusalsAreJobPulseExceptionsWithTheStatusAndTheProblemType() throws Exception {
        assertThatThrownBy(() -> alice.submit("no-such-type", Map.of()))
                .isInstanceOfSatisfying(JobPulseException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.type()).isEqualTo("about:blank");
                    assertThat(e.detail()).contains("no-such-type");
                });
        assertThatThrownBy(() -> alice.submit("steps", Map.of("count", 0)))
                .isInstanceOfSatisfying(JobPulseException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.problem()
                                    .getJsonArray("violations")
                                    .getJsonObject(0)
                                    .getString("parameter"))
                            .isEqualTo("count");
                });
        try (JobPulseClient wrongKey = client("not-a-key")) {
            assertThatThrownBy(() -> wrongKey.list())
                    .isInstanceOfSatisfying(
                            JobPulseException.class, e -> assertThat(e.status()).isEqualTo(401));
        }
        assertThatThrownBy(() -> alice.get("AAAAAAAAAAAAAAAAAAAAAA"))
                .isInstanceOfSatisfying(
                        JobPulseException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> alice.get("not a job id"))
                .isInstanceOfSatisfying(
                        JobPulseException.class, e -> assertThat(e.status()).isEqualTo(404));
        JobView alicesJob = alice.submit("external", Map.of());
        try (JobPulseClient bob = client("bob-secret-key-0123")) {
            assertThatThrownBy(() -> bob.get(alicesJob.id()))
                    .as("another client's job is not found")
                    .isInstanceOfSatisfying(
                            JobPulseException.class, e -> assertThat(e.status()).isEqualTo(404));
        }
        try (ExternalJob job = alice.attach(alicesJob.reportTarget().orElseThrow())) {
            job.succeed(Map.of("ok", true));
        }
        assertThatThrownBy(() -> alice.cancel(alicesJob.id()))
                .isInstanceOfSatisfying(
                        JobPulseException.class, e -> assertThat(e.status()).isEqualTo(409));
        try (JobPulseClient nowhere = JobPulseClient.builder(URI.create("http://127.0.0.1:9/jobpulse/"))
                .connectTimeout(Duration.ofSeconds(2))
                .build()) {
            assertThatThrownBy(() -> nowhere.list()).isInstanceOfSatisfying(JobPulseException.class, e -> {
                assertThat(e.status()).as("no answer").isZero();
                assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
            });
        }
    }

    @Test
    void aWatchDeliversEveryEventInOrderToTheTerminalOne() throws Exception {
        JobView job = alice.submit("steps", Map.of("count", 5, "intervalMs", 20));
        Recorder recorder = new Recorder();
        JobEvent end;
        try (Watch watch = alice.watch(job.id(), recorder)) {
            end = watch.awaitEnd(WAIT);
            assertThat(watch.lastSeq()).isEqualTo(end.seq());
        }
        assertThat(end.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(end.kind()).isEqualTo(JobEvent.Kind.STATE);
        assertThat(end.result().orElseThrow().getInt("steps")).isEqualTo(5);
        assertThat(end.progress().done()).isEqualTo(5);
        assertThat(end.progress().percent()).hasValue(100);
        // every stored event once, in order; how many progress events there are is the source's (it may coalesce)
        assertThat(recorder.seqs())
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, end.seq()).boxed().toList());
        assertThat(recorder.events.get(0).state()).isEqualTo(JobState.QUEUED);
        assertThat(recorder.events.get(1).state()).isEqualTo(JobState.RUNNING);
        List<JobEvent> progress = recorder.events.subList(2, recorder.events.size() - 1);
        assertThat(progress).isNotEmpty().allSatisfy(e -> {
            assertThat(e.kind()).isEqualTo(JobEvent.Kind.PROGRESS);
            assertThat(e.state()).isEqualTo(JobState.RUNNING);
            assertThat(e.skipped()).isEmpty();
        });
        assertThat(progress).extracting(e -> e.progress().done()).isSorted();
        assertThat(alice.get(job.id()).seq()).isEqualTo(end.seq());

        // from a midpoint: only what follows
        Recorder later = new Recorder();
        try (Watch watch = alice.watch(job.id(), end.seq() - 2, later)) {
            watch.awaitEnd(WAIT);
        }
        assertThat(later.seqs()).containsExactly(end.seq() - 1, end.seq());
        assertThat(later.snapshots).isEmpty();
    }

    @Test
    void aWatchResumesAfterTheServerDropsTheConnectionWithNoGapAndNoRepeat() throws Exception {
        try (ExternalJob job = alice.external("external", Map.of("step", "resume"))) {
            Recorder recorder = new Recorder();
            try (Watch watch = alice.watch(job.jobId(), recorder)) {
                job.progress(1, 4, "one");
                recorder.awaitSeq(3);
                // the client sent nothing for longer than the idle timeout (2 s here): the server closes with 4000
                server.ticker().advance(Duration.ofMillis(2500));
                assertThat(recorder.reconnects.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .isEqualTo(4000);
                job.progress(2, 4, "two");
                job.progress(3, 4, "three");
                job.succeed(Map.of("rows", 4));
                JobEvent end = watch.awaitEnd(WAIT);
                assertThat(end.seq()).isEqualTo(6);
                assertThat(end.result().orElseThrow().getInt("rows")).isEqualTo(4);
            }
            assertThat(recorder.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(recorder.events)
                    .extracting(e -> e.progress().message())
                    .containsExactly("", "", "one", "two", "three", "three");
            assertThat(recorder.failures).isEmpty();
        }
    }

    @Test
    void aWatchTheServerCannotResumeStartsFromASnapshotThenGoesOnWithTheLiveEvents() throws Exception {
        try (ExternalJob job = alice.external("external", Map.of())) {
            job.progress(1, 2, "one");
            Recorder recorder = new Recorder();
            // a since ahead of the job cannot be resumed (as one more than 1000 events back): the server sends the job
            try (Watch watch = alice.watch(job.jobId(), 50, recorder)) {
                Await.until(() -> recorder.snapshots.size(), n -> n == 1, WAIT, "the snapshot");
                job.progress(2, 2, "two");
                job.succeed();
                assertThat(watch.awaitEnd(WAIT).seq()).isEqualTo(5);
            }
            assertThat(recorder.snapshots.get(0).seq()).isEqualTo(3);
            assertThat(recorder.snapshots.get(0).state()).isEqualTo(JobState.RUNNING);
            assertThat(recorder.snapshots.get(0).progress().message()).isEqualTo("one");
            assertThat(recorder.seqs()).containsExactly(4L, 5L);
        }
    }

    @Test
    void aSnapshotOfAnEndedJobEndsTheWatchWithTheTerminalEventItStandsFor() throws Exception {
        JobView job = alice.submit("steps", Map.of("count", 3, "intervalMs", 0));
        JobView ended = Await.until(() -> alice.get(job.id()), j -> j.state().isTerminal(), WAIT, "the job ends");
        Recorder recorder = new Recorder();
        try (Watch watch = alice.watch(job.id(), ended.seq() + 100, recorder)) {
            JobEvent end = watch.awaitEnd(WAIT);
            assertThat(end.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(end.kind()).isEqualTo(JobEvent.Kind.STATE);
            assertThat(end.seq()).isEqualTo(ended.seq());
            assertThat(end.result().orElseThrow().getInt("steps")).isEqualTo(3);
            assertThat(end.at()).isEqualTo(ended.finishedAt().orElseThrow());
        }
        assertThat(recorder.snapshots).extracting(JobView::seq).containsExactly(ended.seq());
        assertThat(recorder.seqs()).containsExactly(ended.seq());
    }

    @Test
    void anExternalJobsProgressReachesItsWatcherAndItsEndToo() throws Exception {
        Recorder recorder = new Recorder();
        JobView submitted;
        try (ExternalJob job = alice.external(
                Submission.of("external", Map.of("month", "2026-11")).withName("invoice export"))) {
            submitted = alice.get(job.jobId());
            try (Watch watch = alice.watch(submitted, 0, recorder)) {
                for (int i = 1; i <= 3; i++) {
                    ExternalJob.Answer answer = job.progress(i, 3, "invoice " + i + " of 3");
                    assertThat(answer.state()).isEqualTo(JobState.RUNNING);
                    assertThat(answer.seq()).isEqualTo(i + 2);
                    assertThat(answer.cancel()).isFalse();
                }
                job.succeed(Map.of("exported", 3));
                assertThat(watch.awaitEnd(WAIT).result().orElseThrow().getInt("exported"))
                        .isEqualTo(3);
            }
        }
        assertThat(recorder.events)
                .extracting(e -> e.seq() + " " + e.state() + " " + e.progress().done() + "/"
                        + e.progress().total())
                .containsExactly(
                        "1 QUEUED 0/0",
                        "2 RUNNING 0/0",
                        "3 RUNNING 1/3",
                        "4 RUNNING 2/3",
                        "5 RUNNING 3/3",
                        "6 SUCCEEDED 3/3");
        assertThat(alice.get(submitted.id()).state())
                .as("close() after succeed reports nothing")
                .isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void aReportWhoseAnswerWasLostIsRetriedWithItsIdAndAppliedOnce() throws Exception {
        JobView submitted = alice.submit("external", Map.of());
        ReportTarget direct = submitted.reportTarget().orElseThrow();
        try (AnswerDroppingProxy proxy = new AnswerDroppingProxy(base());
                JobPulseClient worker = client(null);
                ExternalJob job = worker.attach(direct.jobId(), proxy.via(direct.report()), direct.reportToken())) {
            job.progress(1, 3, "one");
            proxy.loseAnswers(1);
            ExternalJob.Answer answer = job.progress(2, 3, "two");
            assertThat(answer.seq())
                    .as("the repeat is answered as the job is now")
                    .isEqualTo(4);
            assertThat(proxy.statuses()).containsExactly(200, 200, 200);
            job.succeed();
        }
        assertThat(eventsOf(submitted)).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aWorkerThatTakesOverAJobGoesOnAfterTheReportsOfTheOneBefore() throws Exception {
        JobView submitted = alice.submit("external", Map.of());
        ReportTarget target = submitted.reportTarget().orElseThrow();
        try (JobPulseClient first = client(null);
                JobPulseClient second = client(null)) {
            ExternalJob before = first.attach(target);
            before.progress(1, 4, "one");
            before.progress(2, 4, "two"); // its reports had ids 1 and 2; it goes away without closing
            try (ExternalJob after = second.attach(target.jobId(), target.report(), target.reportToken())) {
                assertThat(after.progress(3, 4, "three").seq())
                        .as("refused as out of order with id 1, then sent as 3")
                        .isEqualTo(5);
                assertThat(after.progress(4, 4, "four").seq()).isEqualTo(6);
                after.succeed();
            }
        }
        assertThat(eventsOf(submitted))
                .extracting(e -> e.progress().message())
                .containsExactly("", "", "one", "two", "three", "four", "four");
    }

    @Test
    void reportsOverTheRateAreRetriedAfterRetryAfterAndEachAppliedOnce() throws Exception {
        NodeMetrics metrics = server.bean(NodeMetrics.class);
        long refusedBefore = metrics.get(Counter.REST_REPORTS_REFUSED);
        int reports = REPORTS_PER_SECOND * 2; // sent back to back: the burst of 5 runs out
        JobView submitted;
        try (ExternalJob job = alice.external("external", Map.of())) {
            submitted = alice.get(job.jobId());
            for (int i = 1; i <= reports; i++) {
                assertThat(job.progress(i, reports, "step " + i).seq()).isEqualTo(i + 2);
            }
            job.succeed();
        }
        assertThat(metrics.get(Counter.REST_REPORTS_REFUSED) - refusedBefore)
                .as("429s the handle retried")
                .isPositive();
        assertThat(eventsOf(submitted))
                .extracting(JobEvent::seq)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, reports + 3).boxed().toList());
    }

    @Test
    void aCancelReachesTheWorkerAtItsNextReportAndCloseThenReportsNothing() throws Exception {
        ExternalJob job = alice.external("external", Map.of());
        try (job) {
            job.progress(1, 10, "one");
            assertThat(alice.cancel(job.jobId()).state()).isEqualTo(JobState.CANCELLED);
            assertThat(job.isCancelRequested()).isFalse();
            assertThatThrownBy(() -> job.progress(2, 10, "two")).isInstanceOf(JobCancelledException.class);
            assertThat(job.isCancelRequested()).isTrue();
            assertThatThrownBy(job::heartbeat).isInstanceOf(JobCancelledException.class);
        }
        JobView after = alice.get(job.jobId());
        assertThat(after.state()).isEqualTo(JobState.CANCELLED);
        assertThat(after.seq())
                .as("QUEUED, RUNNING, progress, CANCELLED; nothing from close()")
                .isEqualTo(4);
    }

    @Test
    void closingTheHandleWithoutAnEndFailsTheJobForItsWatcher() throws Exception {
        Recorder recorder = new Recorder();
        String id;
        try (ExternalJob job = alice.external("external", Map.of())) {
            id = job.jobId();
            try (Watch watch = alice.watch(id, recorder)) {
                assertThatThrownBy(() -> {
                            try (job) {
                                job.progress(1, 2, "one");
                                throw new IllegalStateException("the worker's own failure");
                            }
                        })
                        .isInstanceOf(IllegalStateException.class);
                JobEvent end = watch.awaitEnd(WAIT);
                assertThat(end.state()).isEqualTo(JobState.FAILED);
                assertThat(end.error().orElseThrow().kind()).isEqualTo(ExternalJob.CLOSED_KIND);
            }
        }
        assertThat(alice.get(id).error().orElseThrow().kind()).isEqualTo("closed_without_result");
        assertThat(recorder.seqs()).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void anExternalHandleForATypeThatIsNotExternalIsRefusedAndItsJobCancelled() {
        assertThatThrownBy(() -> alice.external("steps", Map.of("count", 1000, "intervalMs", 100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an external job type");
        assertThat(alice.list().jobs().get(0))
                .satisfies(j -> assertThat(j.type()).isEqualTo("steps"))
                .satisfies(j -> assertThat(j.state() == JobState.CANCELLED || j.cancelRequested())
                        .isTrue());
    }

    @Test
    void aWatchOfAJobTheTokenDoesNotGrantFailsWithNotFound() throws Exception {
        JobView job = alice.submit("external", Map.of());
        JobView forged = new JobView(
                job.id(),
                job.type(),
                job.name(),
                job.state(),
                job.seq(),
                job.progress(),
                job.params(),
                job.createdAt(),
                job.startedAt(),
                job.finishedAt(),
                job.result(),
                job.error(),
                job.cancelRequested(),
                job.node(),
                job.external(),
                job.owner(),
                job.reportToken(), // a report token is no watch token
                job.reportToken(),
                job.links());
        Recorder recorder = new Recorder();
        try (Watch watch = alice.watch(forged, 0, recorder)) {
            assertThatThrownBy(() -> watch.awaitEnd(WAIT))
                    .isInstanceOfSatisfying(
                            JobPulseException.class, e -> assertThat(e.status()).isEqualTo(404));
        }
        assertThat(recorder.failures).hasSize(1);
        assertThat(recorder.events).isEmpty();
        alice.cancel(job.id());
    }

    @Test
    void aWebSocketUrlTheServerDoesNotKnowFailsTheWatchInsteadOfRetryingForever() throws Exception {
        JobView job = alice.submit("external", Map.of());
        try (JobPulseClient lost = JobPulseClient.builder(base())
                        .webSocketUri(URI.create(server.webSocket() + "-nowhere"))
                        .build();
                Watch watch = lost.watch(job, 0, event -> {})) {
            assertThatThrownBy(() -> watch.awaitEnd(WAIT))
                    .isInstanceOf(JobPulseException.class)
                    .hasMessageContaining("404");
        }
        alice.cancel(job.id());
    }

    /** The stored events of a job, through a watch from 0 (each checked in order by the client). */
    static List<JobEvent> eventsOf(JobView job) throws Exception {
        Recorder recorder = new Recorder();
        try (Watch watch = alice.watch(job.id(), recorder)) {
            watch.awaitEnd(WAIT);
        }
        return recorder.events;
    }

    /** Records what a watch delivers; the lists are only read after the watch ended or with {@link #awaitSeq}. */
    static final class Recorder implements JobListener {

        final List<JobEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<JobView> snapshots = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<JobPulseException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        final LinkedBlockingQueue<Integer> reconnects = new LinkedBlockingQueue<>();

        @Override
        public void onEvent(JobEvent event) {
            events.add(event);
        }

        @Override
        public void onSnapshot(JobView job) {
            snapshots.add(job);
        }

        @Override
        public void onReconnecting(int closeCode, String reason, Duration retryIn) {
            reconnects.add(closeCode);
        }

        @Override
        public void onFailure(JobPulseException failure) {
            failures.add(failure);
        }

        List<Long> seqs() {
            return events.stream().map(JobEvent::seq).toList();
        }

        void awaitSeq(long seq) throws Exception {
            Await.until(
                    () -> events.isEmpty() ? 0 : events.get(events.size() - 1).seq(),
                    s -> s >= seq,
                    WAIT,
                    "event " + seq + " delivered");
        }
    }
}
