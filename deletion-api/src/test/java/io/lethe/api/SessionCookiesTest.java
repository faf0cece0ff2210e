package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.api.auth.Role;
import io.lethe.api.console.ConsoleSession;
import io.lethe.api.console.SessionCookies;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Session expiry and tamper-proofing of the console's cookie (the browser tests cover the HTTP side). */
class SessionCookiesTest {

    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    private final byte[] key = SessionCookies.newKey();
    private final SessionCookies cookies = new SessionCookies(key, Duration.ofMinutes(30), Duration.ofHours(8), true, clock);

    private SessionCookies.Loaded reload(ConsoleSession s) {
        return cookies.decodeForTest(cookies.encodeForTest(s));
    }

    @Test
    void shouldKeepAnActiveSessionAndEndItAfterThirtyIdleMinutes() {
        ConsoleSession s = cookies.signedIn("carla", "acme", EnumSet.of(Role.COMPLIANCE_ADMIN));
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        SessionCookies.Loaded active = reload(s);
        assertThat(active.lapse()).isEqualTo(SessionCookies.Lapse.NONE);
        assertThat(active.session().user().subject()).isEqualTo("carla");
        clock.now = clock.now.plus(Duration.ofMinutes(30));
        SessionCookies.Loaded idle = reload(active.session());
        assertThat(idle.lapse()).isEqualTo(SessionCookies.Lapse.IDLE);
        assertThat(idle.session().signedIn()).isFalse();
    }

    @Test
    void shouldEndEvenAnActiveSessionAtItsAbsoluteLimit() {
        ConsoleSession s = cookies.signedIn("carla", "acme", EnumSet.of(Role.COMPLIANCE_ADMIN));
        for (int i = 0; i < 16; i++) {
            clock.now = clock.now.plus(Duration.ofMinutes(29));
            SessionCookies.Loaded l = reload(s);
            assertThat(l.lapse()).as("after %d minutes", (i + 1) * 29).isEqualTo(SessionCookies.Lapse.NONE);
            s = l.session();
        }
        clock.now = clock.now.plus(Duration.ofMinutes(29));
        assertThat(reload(s).lapse()).isEqualTo(SessionCookies.Lapse.ABSOLUTE);
    }

    @Test
    void shouldRejectACookieMadeWithAnotherKeyOrAltered() {
        ConsoleSession s = cookies.signedIn("carla", "acme", EnumSet.of(Role.AUDITOR));
        String raw = cookies.encodeForTest(s);
        SessionCookies other = new SessionCookies(SessionCookies.newKey(), Duration.ofMinutes(30), Duration.ofHours(8), true, clock);
        assertThat(other.decodeForTest(raw).lapse()).isEqualTo(SessionCookies.Lapse.INVALID);
        String altered = raw.substring(0, raw.length() - 4) + (raw.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThat(cookies.decodeForTest(altered).lapse()).isEqualTo(SessionCookies.Lapse.INVALID);
    }

    @Test
    void shouldRefuseARevokedSession() {
        ConsoleSession s = cookies.signedIn("carla", "acme", EnumSet.of(Role.AUDITOR));
        cookies.revoked(s.id(), clock.now.plus(Duration.ofHours(8)).toString());
        assertThat(reload(s).lapse()).isEqualTo(SessionCookies.Lapse.SIGNED_OUT);
    }
}
