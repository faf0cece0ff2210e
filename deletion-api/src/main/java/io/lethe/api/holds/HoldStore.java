package io.lethe.api.holds;

import io.lethe.api.validation.Paging;
import io.lethe.events.LegalHold;
import io.lethe.schemas.Holds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory view of the compacted {@code legal.holds} topic (fed by the materializer, and
 * by this instance right after its own writes were acknowledged). Lookups are tenant-scoped:
 * another tenant's hold is indistinguishable from a missing one.
 *
 * <p>A release is final: a record without {@code releasedAt} never replaces one with it, so a
 * replayed "placed" record cannot reopen a hold this instance already saw released.
 * Listing sorts one tenant's holds (newest {@code placedAt} first, then holdId) on every call:
 * holds are few, so there is no index.
 */
public final class HoldStore {

    /** Newest placedAt first, then holdId. */
    private static final Comparator<Paging.Position> NEWEST_FIRST = Comparator.comparingLong(Paging.Position::at).reversed()
            .thenComparing(Paging.Position::id);

    private static Paging.Position position(LegalHold h) {
        return new Paging.Position(h.getPlacedAt().toEpochMilli(), h.getHoldId());
    }

    /** One page of a listing; {@code next} is null on the last page. */
    public record Page(List<LegalHold> items, Paging.Position next) {
    }

    private final Map<String, LegalHold> byId = new ConcurrentHashMap<>();

    /** A record of the topic (or this instance's own acknowledged write); null deletes. */
    public void apply(String holdId, LegalHold h) {
        if (h == null) {
            byId.remove(holdId);
            return;
        }
        byId.merge(holdId, h, (old, neu) -> old.getReleasedAt() != null && neu.getReleasedAt() == null ? old : neu);
    }

    public Optional<LegalHold> find(String tenant, String holdId) {
        LegalHold h = byId.get(holdId);
        return h != null && h.getTenant().equals(tenant) ? Optional.of(h) : Optional.empty();
    }

    /**
     * Up to {@code limit} of a tenant's holds, newest first, after {@code after} (null = from the newest).
     *
     * @param customerId only holds of exactly this customer (tenant-wide holds are not included); null = all
     * @param state      only holds in this state at {@code now}; null = all
     */
    public Page list(String tenant, String customerId, HoldState state, Instant now, int limit, Paging.Position after) {
        List<LegalHold> matching = byId.values().stream()
                .filter(h -> h.getTenant().equals(tenant))
                .filter(h -> customerId == null || customerId.equals(h.getCustomerId()))
                .filter(h -> state == null || HoldState.of(h, now) == state)
                .filter(h -> after == null || NEWEST_FIRST.compare(position(h), after) > 0)
                .sorted(Comparator.comparing(HoldStore::position, NEWEST_FIRST))
                .limit(limit + 1L)
                .toList();
        if (matching.size() <= limit) {
            return new Page(matching, null);
        }
        List<LegalHold> items = new ArrayList<>(matching.subList(0, limit));
        return new Page(items, position(items.get(limit - 1)));
    }

    /** The active holds at {@code now} that cover this customer of this tenant (its own and tenant-wide ones). */
    public List<LegalHold> activeCovering(String tenant, String customerId, Instant now) {
        return byId.values().stream()
                .filter(h -> Holds.covers(h, tenant, customerId) && Holds.active(h, now))
                .sorted(Comparator.comparing(HoldStore::position, NEWEST_FIRST))
                .toList();
    }

    /** Active holds of every tenant at {@code now} (the {@code lethe.api.legal.holds.active} gauge). */
    public long activeCount(Instant now) {
        return byId.values().stream().filter(h -> Holds.active(h, now)).count();
    }
}
