package dev.chaosgate.example.chat;

import java.time.Duration;
import java.util.Optional;

/**
 * Why an answer failed, as far as the app can tell.
 *
 * @param failureClass what kind of failure it is
 * @param status       the HTTP status, 0 when there was none (connection failure, cut stream)
 * @param rayId        Cloudflare's Ray ID, when the answer carried one: support asks for it
 * @param waitFor      how long the API asked to wait before trying again, when it said
 * @param raw          the exception as the SDK reported it, for the log (and for {@link PlantedBug#RAW_ERROR_BODY})
 */
public record ApiFailure(FailureClass failureClass, int status, Optional<String> rayId, Optional<Duration> waitFor,
                         String raw) {
}
