package com.example.reports;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A month-by-month sales ledger and its totals, built one batch of entries at a time. The entries stand in for rows an
 * application would read from its own database: they are generated from a seed, so the same parameters give the same
 * ledger and the same report on every run and every node (which is what makes the job type safe to re-run). Every
 * entry goes into the totals per month and per region and into a SHA-256 of the ledger as CSV, so the checksum proves
 * which entries a report was built from.
 */
final class SalesLedger {

    static final String[] REGIONS = {"north", "south", "east", "west", "central"};

    private final YearMonth from;
    private final int months;
    private final long entries;
    private final SplittableRandom random;
    private final MessageDigest sha256;
    private final Map<YearMonth, Long> centsByMonth = new TreeMap<>();
    private final Map<String, Long> centsByRegion = new TreeMap<>();
    private long read;
    private long totalCents;
    private long largestCents;

    SalesLedger(YearMonth from, YearMonth to, long entries, long seed) {
        this.from = from;
        this.months = (int) (from.until(to, ChronoUnit.MONTHS) + 1);
        this.entries = entries;
        this.random = new SplittableRandom(seed);
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    long entries() {
        return entries;
    }

    long read() {
        return read;
    }

    boolean done() {
        return read == entries;
    }

    /** Reads and books the next {@code batch} entries (fewer at the end); returns how many it booked. */
    long book(long batch) {
        long n = Math.min(batch, entries - read);
        for (long i = 0; i < n; i++) {
            YearMonth month = from.plusMonths(random.nextInt(months));
            String region = REGIONS[random.nextInt(REGIONS.length)];
            long cents = 100 + random.nextLong(500_000); // 1.00 to 5000.99
            read++;
            centsByMonth.merge(month, cents, Long::sum);
            centsByRegion.merge(region, cents, Long::sum);
            totalCents += cents;
            largestCents = Math.max(largestCents, cents);
            String line = read + "," + month + "," + region + "," + cents + "\n";
            sha256.update(line.getBytes(StandardCharsets.US_ASCII));
        }
        return n;
    }

    /** The report: JSON-like values only (String, Number, Map), as a job result must be. */
    Map<String, Object> report() {
        if (!done()) {
            throw new IllegalStateException("the ledger is read up to entry " + read + " of " + entries);
        }
        Map<String, Object> byMonth = new LinkedHashMap<>();
        centsByMonth.forEach((month, cents) -> byMonth.put(month.toString(), cents));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("entries", entries);
        report.put("months", months);
        report.put("totalCents", totalCents);
        report.put("largestCents", largestCents);
        report.put("centsByMonth", byMonth);
        report.put("centsByRegion", new LinkedHashMap<String, Object>(centsByRegion));
        report.put("sha256", HexFormat.of().formatHex(sha256.digest()));
        return report;
    }
}
