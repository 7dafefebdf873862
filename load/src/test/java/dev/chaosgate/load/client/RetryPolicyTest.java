package dev.chaosgate.load.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {
    private final RetryPolicy wellBehaved = RetryPolicy.wellBehaved();

    @Test
    void naiveRetriesAtOnceWhateverTheServerAsks() {
        assertThat(RetryPolicy.naive().delayBefore(3, Duration.ofSeconds(5), () -> 0.9)).isZero();
        assertThat(RetryPolicy.naive().maxAttempts()).isEqualTo(10);
    }

    @Test
    void wellBehavedBacksOffExponentiallyUpToItsCap() {
        assertThat(wellBehaved.delayBefore(1, null, () -> 0)).isEqualTo(Duration.ofMillis(500));
        assertThat(wellBehaved.delayBefore(2, null, () -> 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(wellBehaved.delayBefore(3, null, () -> 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(wellBehaved.delayBefore(10, null, () -> 0)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void jitterOnlyEverLengthensTheWait() {
        assertThat(wellBehaved.delayBefore(1, null, () -> 0.5)).isEqualTo(Duration.ofMillis(750));
        assertThat(wellBehaved.delayBefore(1, null, () -> 0.999)).isLessThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void retryAfterIsTheLeastWait() {
        assertThat(wellBehaved.delayBefore(1, Duration.ofSeconds(3), () -> 0)).isEqualTo(Duration.ofSeconds(3));
        assertThat(wellBehaved.delayBefore(4, Duration.ofSeconds(1), () -> 0)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aRetryAfterOverAMinuteIsNotHonoured() {
        assertThat(wellBehaved.delayBefore(1, Duration.ofMinutes(10), () -> 0)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        assertThat(RetryPolicy.retryAfter("250", "1")).isEqualTo(Duration.ofMillis(250));
        assertThat(RetryPolicy.retryAfter(null, "2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryPolicy.retryAfter(null, "1.5")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void retryAfterAsAnHttpDateIsTheTimeUntilThen() {
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(10));
        assertThat(RetryPolicy.retryAfter(null, inTenSeconds)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().minusSeconds(10));
        assertThat(RetryPolicy.retryAfter(null, past)).as("a date already past asks for no wait").isNull();
    }

    @Test
    void anUnusableRetryAfterIsIgnored() {
        assertThat(RetryPolicy.retryAfter("soon", "later")).isNull();
        assertThat(RetryPolicy.retryAfter("-5", null)).isNull();
        assertThat(RetryPolicy.retryAfter(null, null)).isNull();
    }
}
