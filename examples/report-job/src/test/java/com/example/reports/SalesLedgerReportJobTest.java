package com.example.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.reports.RecordingJobContext.Step;
import io.jobpulse.api.InvalidParametersException;
import io.jobpulse.api.InvalidParametersException.Violation;
import io.jobpulse.api.JobCancelledException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SalesLedgerReportJobTest {

    private final SalesLedgerReportJob job = new SalesLedgerReportJob();

    private static Map<String, Object> params(Object... keysAndValues) {
        Map<String, Object> raw = new HashMap<>(Map.of("from", "2026-01", "to", "2026-03", "entries", 25_000L));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            raw.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return raw;
    }

    private RecordingJobContext run(Map<String, Object> raw) throws Exception {
        RecordingJobContext context = RecordingJobContext.forHandler(job, raw);
        job.run(context);
        return context;
    }

    @Test
    void reportsProgressPerBatchInOrderUpToTheLastEntry() throws Exception {
        RecordingJobContext context = run(params());

        assertEquals(
                List.of(
                        new Step(0, 25_000, "reading the ledger"),
                        new Step(10_000, 25_000, "10000 of 25000 entries"),
                        new Step(20_000, 25_000, "20000 of 25000 entries"),
                        new Step(25_000, 25_000, "25000 of 25000 entries")),
                context.progress);
    }

    @Test
    void totalsAddUpPerMonthAndPerRegion() throws Exception {
        Map<String, Object> report = run(params()).result;

        assertEquals(25_000L, report.get("entries"));
        assertEquals(3, report.get("months"));
        Map<?, ?> byMonth = (Map<?, ?>) report.get("centsByMonth");
        Map<?, ?> byRegion = (Map<?, ?>) report.get("centsByRegion");
        assertEquals(List.of("2026-01", "2026-02", "2026-03"), List.copyOf(byMonth.keySet()));
        assertEquals(List.of("central", "east", "north", "south", "west"), List.copyOf(byRegion.keySet()));
        long total = (Long) report.get("totalCents");
        assertEquals(total, byMonth.values().stream().mapToLong(v -> (Long) v).sum());
        assertEquals(total, byRegion.values().stream().mapToLong(v -> (Long) v).sum());
        long largest = (Long) report.get("largestCents");
        assertTrue(largest >= 100 && largest < 500_100, "largest entry " + largest);
        assertTrue(total >= 25_000L * 100 && total <= 25_000L * largest, "total " + total);
        assertTrue(((String) report.get("sha256")).matches("[0-9a-f]{64}"), "sha256 " + report.get("sha256"));
    }

    @Test
    void theSameLedgerGivesTheSameReportWhateverTheBatchSize() throws Exception {
        Map<String, Object> inBigBatches = run(params("batchSize", 10_000L)).result;
        Map<String, Object> inSmallBatches = run(params("batchSize", 333L)).result;

        assertEquals(inBigBatches, inSmallBatches);
    }

    @Test
    void anotherSeedIsAnotherLedger() throws Exception {
        Map<String, Object> one = run(params("seed", 1L)).result;
        Map<String, Object> two = run(params("seed", 2L)).result;

        assertNotEquals(one.get("sha256"), two.get("sha256"));
        assertNotEquals(one.get("totalCents"), two.get("totalCents"));
    }

    @Test
    void pausesBetweenBatchesButNotAfterTheLast() throws Exception {
        RecordingJobContext context = run(params("pauseMs", 250L));

        assertEquals(List.of(Duration.ofMillis(250), Duration.ofMillis(250)), context.pauses);
    }

    @Test
    void stopsBeforeTheNextBatchOnceCancelledAndReportsNothing() throws Exception {
        RecordingJobContext context = RecordingJobContext.forHandler(job, params(), 2);

        assertThrows(JobCancelledException.class, () -> job.run(context));

        assertEquals(20_000, context.progress.get(context.progress.size() - 1).done());
        assertNull(context.result);
    }

    @Test
    void aCancelDuringAPauseEndsTheRun() throws Exception {
        // the first check passes, the pause after the first batch is the second: cancelled there
        RecordingJobContext context = RecordingJobContext.forHandler(job, params("pauseMs", 1_000L), 1);

        assertThrows(JobCancelledException.class, () -> job.run(context));

        assertEquals(10_000, context.progress.get(context.progress.size() - 1).done());
        assertTrue(context.pauses.isEmpty());
    }

    @Test
    void refusesAToMonthBeforeTheFromMonth() {
        assertEquals(
                List.of(new Violation("to", "must not be before from (2026-03)")),
                violations(params("from", "2026-03", "to", "2026-01")));
    }

    @Test
    void refusesARangeOfMoreThanThreeYears() {
        assertEquals(
                List.of(new Violation("to", "must be at most 36 months from 2024-01")),
                violations(params("from", "2024-01", "to", "2027-01")));
        assertEquals(List.of(), violations(params("from", "2024-01", "to", "2026-12")));
    }

    @Test
    void refusesWhatIsNotAMonth() {
        assertEquals(
                List.of(new Violation("from", "must be a month like 2026-01: 2026-13")),
                violations(params("from", "2026-13")));
    }

    @Test
    void theTypeRefusesMissingMonthsAndOutOfRangeNumbersBeforeTheHandlerSeesThem() {
        Map<String, Object> raw = params("entries", 0L);
        raw.remove("from");

        List<Violation> violations = violations(raw);

        assertEquals(2, violations.size(), violations.toString());
        assertEquals(new Violation("from", "is required"), violations.get(0));
        assertEquals("entries", violations.get(1).parameter());
    }

    private List<Violation> violations(Map<String, Object> raw) {
        try {
            RecordingJobContext.forHandler(job, raw);
            return List.of();
        } catch (InvalidParametersException e) {
            return e.violations();
        }
    }
}
