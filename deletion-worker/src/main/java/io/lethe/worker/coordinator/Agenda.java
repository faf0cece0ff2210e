package io.lethe.worker.coordinator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * When each open request next needs the coordinator's attention: the earliest moment one of its
 * tasks is due again (a backoff that ends, or the deadline of an attempt in flight).
 *
 * <p>It holds nothing of its own. The due times are read from the request statuses
 * ({@code TaskState.nextAttemptAt} and {@code deadlineAt}), which the request store keeps:
 * the coordinator rebuilds the agenda from that store when its task starts (after a restart, a
 * restore or a move to another instance) and updates it on every save. So it needs no state
 * store and writes no changelog record, where a store of due times wrote one record for every
 * dispatch and one tombstone when it came due. A transaction that aborts takes the task down
 * with it, and the rebuild then reads only what was committed.
 */
final class Agenda {

    private record Entry(long due, String requestId) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::due).thenComparing(Entry::requestId);
    /** Returned by a due-time function for a request that needs no attention. */
    static final long NEVER = Long.MAX_VALUE;

    private final TreeSet<Entry> queue = new TreeSet<>(ORDER);
    private final Map<String, Long> dueOf = new HashMap<>();

    /** Sets when the request is next due ({@link #NEVER} removes it). */
    void set(String requestId, long due) {
        Long before = due == NEVER ? dueOf.remove(requestId) : dueOf.put(requestId, due);
        if (before != null) {
            if (before == due) {
                return;
            }
            queue.remove(new Entry(before, requestId));
        }
        if (due != NEVER) {
            queue.add(new Entry(due, requestId));
        }
    }

    /** Takes the requests due at or before {@code now}, earliest first; they leave the agenda until set again. */
    List<String> takeDue(long now) {
        List<String> due = new ArrayList<>();
        while (!queue.isEmpty() && queue.first().due() <= now) {
            Entry e = queue.pollFirst();
            dueOf.remove(e.requestId());
            due.add(e.requestId());
        }
        return due;
    }

    void clear() {
        queue.clear();
        dueOf.clear();
    }
}
