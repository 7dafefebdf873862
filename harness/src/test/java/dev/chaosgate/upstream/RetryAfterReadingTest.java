package dev.chaosgate.upstream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one reading of the wait an answer asks for ({@link RetryAfter#requestedWait}), which the verdict,
 * the bundled client and the load clients share. Every value the catalog's {@code Retry-After} kinds
 * send is read back as the wait a careful client honours.
 */
class RetryAfterReadingTest {
    private static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");

    @Test
    void retryAfterMsComesFirstInMilliseconds() {
        assertThat(RetryAfter.requestedWait("250", "9", NOW)).contains(Duration.ofMillis(250));
        assertThat(RetryAfter.requestedWait("1.5", null, NOW)).contains(Duration.ofNanos(1_500_000));
        assertThat(RetryAfter.requestedWait("garbage", "2", NOW)).as("an unreadable retry-after-ms falls back")
                .contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.requestedWait("0", "2", NOW)).as("a zero retry-after-ms falls back").contains(Duration.ofSeconds(2));
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertThat(RetryAfter.requestedWait(null, "120", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.requestedWait(null, " 1.5 ", NOW)).contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.requestedWait(null, "Mon, 07 Dec 2026 04:00:30 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.requestedWait(null, "Monday, 07-Dec-26 04:00:30 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.requestedWait(null, "Mon Dec  7 04:00:30 2026", NOW)).contains(Duration.ofSeconds(30));
    }

    @Test
    void valuesThatAskForNothing() {
        for (String value : new String[] {"0", "-5", "+5", "5e2", "5f", "NaN", "Infinity", "soon, probably", "",
                "Mon, 07 Dec 2026 03:59:00 GMT", "Mon, 07 Dec 2026 04:00:00 GMT"}) {
            assertThat(RetryAfter.requestedWait(null, value, NOW)).as("Retry-After: %s", value).isEmpty();
        }
        assertThat(RetryAfter.requestedWait(null, null, NOW)).isEmpty();
    }

    @Test
    void everyKindTheUpstreamSendsReadsBackAsItsHonouredDelay() {
        for (RetryAfter sent : new RetryAfter[] {RetryAfter.seconds(5), RetryAfter.fraction(1.5),
                RetryAfter.httpDate(Duration.ofSeconds(40)), RetryAfter.pastDate(), RetryAfter.negative(),
                RetryAfter.huge(), RetryAfter.garbage()}) {
            Duration read = RetryAfter.requestedWait(null, sent.headerValue(NOW), NOW).orElse(Duration.ZERO);
            assertThat(read).as("%s sent as %s", sent.kind(), sent.headerValue(NOW)).isEqualTo(sent.honouredDelay());
        }
    }
}
