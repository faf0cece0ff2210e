package io.lethe.worker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retry schedule's keys sort by due time, as the punctuation's range scan needs. */
class RetryKeyTest {

    @Test
    void shouldPadTheDueTimeSoThatKeysSortByIt() {
        long[] dues = {0L, 7L, 1_700_000_000_000L, 1_700_000_000_001L, 99_999_999_999_999L, Long.MAX_VALUE};
        List<String> keys = new ArrayList<>();
        for (long due : dues) {
            String key = CoordinatorProcessor.retryKey(due, "req-1", "conversations");
            assertThat(key).isEqualTo(String.format("%019d|%s|%s", due, "req-1", "conversations"));
            keys.add(key);
        }
        assertThat(keys).isSorted();
    }
}
