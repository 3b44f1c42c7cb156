package com.example.reports;

import io.jobpulse.api.InvalidParametersException;
import io.jobpulse.api.JobContext;
import io.jobpulse.api.JobHandler;
import io.jobpulse.api.JobParameters;
import io.jobpulse.api.JobType;
import io.jobpulse.api.ParameterKind;
import io.jobpulse.api.ParameterSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The job type {@code sales-ledger-report}: reads the sales ledger of a range of months in batches and reports its
 * totals per month and per region, its largest entry and a SHA-256 of the ledger. An application's own job type, added
 * to JobPulse by this project's WAR overlay: a CDI bean implementing {@link JobHandler}, compiled against
 * {@code io.jobpulse:jobpulse-api} alone.
 */
@ApplicationScoped
public class SalesLedgerReportJob implements JobHandler {

    static final String NAME = "sales-ledger-report";
    /** The longest range one report may cover. */
    static final long MAX_MONTHS = 36;

    private static final JobType TYPE = new JobType(
                    NAME,
                    "Totals a range of months of the sales ledger per month and per region, with a SHA-256 of the"
                            + " entries it read.",
                    List.of(
                            requiredString("from", "First month, YYYY-MM"),
                            requiredString("to", "Last month, YYYY-MM (at most 36 months after from)"),
                            ParameterSpec.requiredInteger("entries", "Ledger entries to read", 1, 50_000_000),
                            ParameterSpec.integer(
                                    "batchSize",
                                    "Entries per batch (progress and cancel checks)",
                                    10_000,
                                    100,
                                    1_000_000),
                            ParameterSpec.integer(
                                    "pauseMs", "Pause after each batch, to spare a shared database", 0, 0, 10_000),
                            ParameterSpec.integer(
                                    "seed",
                                    "Which ledger (the same seed reads the same entries)",
                                    1,
                                    0,
                                    Long.MAX_VALUE)))
            .withTimeout(Duration.ofMinutes(30))
            .retrySafe(3); // reads and computes only: a second run gives the same report

    @Override
    public JobType type() {
        return TYPE;
    }

    /** What the parameter specs cannot say: both months must be months, in order, and not too far apart. */
    @Override
    public void validate(JobParameters parameters) throws InvalidParametersException {
        YearMonth from = month(parameters, "from");
        YearMonth to = month(parameters, "to");
        if (to.isBefore(from)) {
            throw new InvalidParametersException("to", "must not be before from (" + from + ")");
        }
        if (from.until(to, ChronoUnit.MONTHS) >= MAX_MONTHS) {
            throw new InvalidParametersException("to", "must be at most " + MAX_MONTHS + " months from " + from);
        }
    }

    @Override
    public void run(JobContext context) throws Exception {
        JobParameters parameters = context.parameters();
        SalesLedger ledger = new SalesLedger(
                month(parameters, "from"),
                month(parameters, "to"),
                parameters.getLong("entries"),
                parameters.getLong("seed"));
        long batchSize = parameters.getLong("batchSize");
        Duration pause = Duration.ofMillis(parameters.getLong("pauseMs"));
        context.progress(0, ledger.entries(), "reading the ledger");
        while (!ledger.done()) {
            context.checkCancelled();
            ledger.book(batchSize);
            context.progress(ledger.read(), ledger.entries(), ledger.read() + " of " + ledger.entries() + " entries");
            if (!pause.isZero() && !ledger.done()) {
                context.sleep(pause); // wakes and throws at once on cancel
            }
        }
        context.result(ledger.report());
    }

    private static ParameterSpec requiredString(String name, String description) {
        return new ParameterSpec(name, ParameterKind.STRING, description, true, null, null, 7L);
    }

    private static YearMonth month(JobParameters parameters, String name) throws InvalidParametersException {
        String value = parameters.getString(name);
        try {
            return YearMonth.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidParametersException(name, "must be a month like 2026-01: " + value);
        }
    }
}
