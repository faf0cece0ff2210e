package io.lethe.api.policy;

import io.lethe.events.PolicyMode;

/** A requested retention policy: keep forever, or delete a profile some days after its last contact. */
public sealed interface PolicyChange {

    PolicyMode mode();

    /** Days of the policy, or null when profiles are kept forever. */
    Integer days();

    /** Profiles this change would expire at once, as the preview counts them. */
    long wouldExpire(String tenant, RetentionPreview preview);

    record KeepForever() implements PolicyChange {
        public PolicyMode mode() {
            return PolicyMode.KEEP_FOREVER;
        }

        public Integer days() {
            return null;
        }

        public long wouldExpire(String tenant, RetentionPreview preview) {
            return 0;
        }
    }

    record DeleteAfterDays(int afterDays) implements PolicyChange {
        public PolicyMode mode() {
            return PolicyMode.DELETE_AFTER_DAYS;
        }

        public Integer days() {
            return afterDays;
        }

        public long wouldExpire(String tenant, RetentionPreview preview) {
            return preview.wouldExpire(tenant, afterDays);
        }
    }
}
