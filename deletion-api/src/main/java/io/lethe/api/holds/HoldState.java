package io.lethe.api.holds;

import io.lethe.events.LegalHold;
import io.lethe.schemas.Holds;
import java.time.Instant;

/** The state of a legal hold at a given time, by the rules of {@link Holds}. */
public enum HoldState {
    ACTIVE, RELEASED, EXPIRED;

    public static HoldState of(LegalHold h, Instant now) {
        if (h.getReleasedAt() != null) {
            return RELEASED;
        }
        return Holds.expired(h, now) ? EXPIRED : ACTIVE;
    }
}
