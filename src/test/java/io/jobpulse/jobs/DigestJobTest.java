package io.jobpulse.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobpulse.job.Progress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DigestJobTest {

    private final DigestJob job = new DigestJob();

    @Test
    void theSameSeedAndSizeGiveTheSameDigest() throws Exception {
        assertThat(digest(Map.of("sizeMb", 2L, "seed", 7L))).isEqualTo(digest(Map.of("sizeMb", 2L, "seed", 7L)));
    }

    @Test
    void anotherSeedGivesAnotherDigest() throws Exception {
        assertThat(digest(Map.of("sizeMb", 1L, "seed", 7L))).isNotEqualTo(digest(Map.of("sizeMb", 1L, "seed", 8L)));
    }

    @Test
    void anotherSizeGivesAnotherDigest() throws Exception {
        assertThat(digest(Map.of("sizeMb", 1L, "seed", 7L))).isNotEqualTo(digest(Map.of("sizeMb", 2L, "seed", 7L)));
    }

    @Test
    void matchesTheSha256OfTheGeneratedBytes() throws Exception {
        long seed = -123_456_789L;
        ByteBuffer data = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom random = new SplittableRandom(seed);
        while (data.hasRemaining()) {
            data.putLong(random.nextLong());
        }
        String expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data.array()));

        FakeJobContext context = FakeJobContext.forHandler(job, Map.of("sizeMb", 1L, "seed", seed));
        job.run(context);

        assertThat(context.result).isEqualTo(Map.of("sizeMb", 1L, "seed", seed, "sha256", expected));
    }

    @Test
    void usesSeed42ByDefaultAndReportsEveryMebibyte() throws Exception {
        FakeJobContext context = FakeJobContext.forHandler(job, Map.of("sizeMb", 3L));

        job.run(context);

        assertThat(context.result).containsEntry("seed", 42L).containsEntry("sizeMb", 3L);
        assertThat((String) context.result.get("sha256")).matches("[0-9a-f]{64}");
        assertThat(context.progress)
                .containsExactly(
                        new Progress(1, 3, "1 of 3 MiB hashed"),
                        new Progress(2, 3, "2 of 3 MiB hashed"),
                        new Progress(3, 3, "3 of 3 MiB hashed"));
        assertThat(digest(Map.of("sizeMb", 3L, "seed", 42L))).isEqualTo(context.result.get("sha256"));
    }

    private Object digest(Map<String, Object> parameters) throws Exception {
        FakeJobContext context = FakeJobContext.forHandler(job, parameters);
        job.run(context);
        return context.result.get("sha256");
    }
}
