package io.lethe.store.recheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recheck's rate bound, on a clock the test moves. */
class PacerTest {

    private long now = 1_000_000_000L;
    private final List<Long> sleeps = new ArrayList<>();
    private final Pacer pacer = new Pacer(100, () -> now, nanos -> {
        sleeps.add(nanos);
        now += nanos;
    });

    @Test
    void shouldLetTheFirstBatchGoAndMakeEachNextOneWaitForItsShareOfTime() throws InterruptedException {
        // 100 per second: batches of 10 may start 0.1 s apart
        pacer.before(10);
        pacer.before(10);
        now += 30_000_000L; // the batch took 30 ms of work
        pacer.before(10);

        assertThat(sleeps).containsExactly(100_000_000L, 70_000_000L);
    }

    @Test
    void shouldNotWaitWhenTheWorkItselfIsSlowerThanTheRate() throws InterruptedException {
        pacer.before(10);
        now += 500_000_000L;
        pacer.before(10);
        now += 500_000_000L;
        pacer.before(10);

        assertThat(sleeps).isEmpty();
    }

    @Test
    void shouldNeverWaitWithoutALimit() throws InterruptedException {
        Pacer unlimited = new Pacer(0, () -> now, nanos -> sleeps.add(nanos));
        for (int i = 0; i < 5; i++) {
            unlimited.before(1_000);
        }

        assertThat(sleeps).isEmpty();
    }
}
