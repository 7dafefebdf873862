package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.fixtures.GuidanceEntry;

import java.util.Objects;
import java.util.Optional;

/**
 * The one rule of whether an attempt failed and whether retrying it can help. The judges, the report's
 * colours and the console all ask it, so a timeline never says "retrying can help" where the verdict
 * says "retried a failure that retrying cannot fix". Intended for users and for authors of house judges
 * ({@link dev.chaosgate.verdict.spi.Judge}).
 *
 * <ul>
 *   <li>An attempt <b>failed</b> when the upstream served it a failure of a guidance class (a 502 page, a
 *       429, a reset, a stream cut after text was sent...), or when the client left before a delayed
 *       answer came (a client-side timeout, judged as {@code gateway_timeout}).</li>
 *   <li>A failed attempt is <b>retryable</b> unless its answer said {@code x-should-retry: false} (which
 *       official SDKs obey before the status) or the guidance catalog in use marks its class as not
 *       retryable; a class the catalog does not know counts as retryable.</li>
 * </ul>
 *
 * Pure and thread-safe.
 */
public final class FailureRule {
    /** The class given to an attempt the client left while its answer was still delayed. */
    public static final String CLIENT_TIMEOUT_CLASS = "gateway_timeout";

    private FailureRule() {
    }

    /** The attempt's failure class, or empty when it was answered (or is still being answered) normally. */
    public static Optional<String> failureClass(Attempt attempt) {
        Objects.requireNonNull(attempt, "attempt cannot be null");
        if (attempt.failureClass() != null) {
            return Optional.of(attempt.failureClass());
        }
        boolean delayed = attempt.exchange().fault() != null;
        boolean left = !attempt.exchange().complete() || attempt.exchange().clientClosed();
        return delayed && left ? Optional.of(CLIENT_TIMEOUT_CLASS) : Optional.empty();
    }

    /** Whether the attempt failed (see the class comment). */
    public static boolean failed(Attempt attempt) {
        return failureClass(attempt).isPresent();
    }

    /** Whether the attempt failed and retrying it can help, per {@code x-should-retry} and {@code catalog}. */
    public static boolean retryable(Attempt attempt, GuidanceCatalog catalog) {
        Objects.requireNonNull(catalog, "catalog cannot be null");
        if (Boolean.FALSE.equals(attempt.shouldRetry())) {
            return false;
        }
        return failureClass(attempt).map(cls -> entry(catalog, cls).map(GuidanceEntry::retryable).orElse(true)).orElse(false);
    }

    /**
     * Why a failed attempt is not retryable, in a few words ("the answer said x-should-retry: false",
     * "quota_exhausted is not retryable (guidance catalog)"), or empty when it is retryable or did not fail.
     */
    public static Optional<String> whyNotRetryable(Attempt attempt, GuidanceCatalog catalog) {
        if (!failed(attempt) || retryable(attempt, catalog)) {
            return Optional.empty();
        }
        return Optional.of(Boolean.FALSE.equals(attempt.shouldRetry()) ? "the answer said x-should-retry: false"
                : failureClass(attempt).orElseThrow() + " is not retryable (guidance catalog)");
    }

    /**
     * Whether the client closed the attempt while an answer that was no failure was still coming: delayed
     * before its first byte, or arriving slowly. Such an attempt ended by the client's own timeout.
     */
    public static boolean abandonedWhileComing(Attempt attempt) {
        return attempt.failureClass() == null && attempt.exchange().status() / 100 == 2
                && (attempt.exchange().clientClosed() || (attempt.exchange().fault() != null && !attempt.exchange().complete()));
    }

    static Optional<GuidanceEntry> entry(GuidanceCatalog catalog, String failureClass) {
        return catalog.classes().stream().filter(c -> c.name().equals(failureClass)).findFirst().map(catalog::entry);
    }
}
