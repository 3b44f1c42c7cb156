package io.jobpulse.jobs;

import io.jobpulse.api.JobContext;
import io.jobpulse.api.JobHandler;
import io.jobpulse.api.JobType;
import io.jobpulse.api.ParameterSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Hashes {@code sizeMb} megabytes of pseudo-random data generated from {@code seed} with SHA-256, one MiB at a time,
 * so progress is the bytes hashed. The same seed and size always give the same digest, which makes the result
 * checkable. About 2-5 s per GiB of hashing on one core, plus generation. Retry-safe for the same reason: the data
 * is generated, nothing is read or written outside the job, and a second run computes the same digest.
 */
@ApplicationScoped
public class DigestJob implements JobHandler {

    static final int CHUNK = 1 << 20;

    private static final JobType TYPE = new JobType(
                    "sha256-digest",
                    "Generates a reproducible pseudo-random data set and computes its SHA-256 digest (CPU and memory bandwidth).",
                    List.of(
                            ParameterSpec.requiredInteger(
                                    "sizeMb", "Megabytes (MiB) of data to generate and hash", 1, 100_000),
                            ParameterSpec.integer(
                                    "seed", "Seed of the generated data", 42, Long.MIN_VALUE, Long.MAX_VALUE)))
            .retrySafe(3);

    @Override
    public JobType type() {
        return TYPE;
    }

    @Override
    public void run(JobContext context) throws Exception {
        long sizeMb = context.parameters().getLong("sizeMb");
        long seed = context.parameters().getLong("seed");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[CHUNK];
        for (long mb = 1; mb <= sizeMb; mb++) {
            context.checkCancelled();
            fill(random, chunk);
            sha256.update(chunk);
            context.progress(mb, sizeMb, mb + " of " + sizeMb + " MiB hashed");
        }
        context.result(
                Map.of("sizeMb", sizeMb, "seed", seed, "sha256", HexFormat.of().formatHex(sha256.digest())));
    }

    static void fill(SplittableRandom random, byte[] chunk) {
        for (int i = 0; i < chunk.length; i += 8) {
            long v = random.nextLong();
            for (int b = 0; b < 8; b++) {
                chunk[i + b] = (byte) (v >>> (8 * b));
            }
        }
    }
}
