package dev.chaosgate.gateway;

import dev.chaosgate.upstream.FakeUpstream;
import dev.chaosgate.upstream.UpstreamExchange;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The requests the upstream saw since the scenario started, and the waits a test of an asynchronous
 * app needs on them: for n attempts, or for the app to stop retrying. Polls every 20 ms; a wait that
 * times out fails with the timeline of what did arrive.
 */
final class UpstreamWaits {
    private final FakeUpstream upstream;
    /** Exchanges up to this sequence number came before the scenario started playing. */
    private final LongSupplier playedFrom;

    UpstreamWaits(FakeUpstream upstream, LongSupplier playedFrom) {
        this.upstream = upstream;
        this.playedFrom = playedFrom;
    }

    List<UpstreamExchange> sincePlayed() {
        long from = playedFrom.getAsLong();
        return upstream.exchanges().stream().filter(e -> e.sequence() > from).toList();
    }

    /** The sequence number of the newest exchange, 0 when none. */
    long lastSequence() {
        List<UpstreamExchange> all = upstream.exchanges();
        return all.isEmpty() ? 0 : all.get(all.size() - 1).sequence();
    }

    List<UpstreamExchange> awaitAttempts(int n, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout cannot be null");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<UpstreamExchange> seen = sincePlayed().stream().filter(UpstreamExchange::isGeneration).toList();
            if (seen.size() >= n) {
                return seen;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("expected at least " + n + " generation request(s) at the upstream within "
                        + timeout.toMillis() + " ms, but " + seen.size() + " arrived" + timeline(seen));
            }
            pause();
        }
    }

    List<UpstreamExchange> awaitQuiet(Duration quietFor, Duration timeout) {
        Objects.requireNonNull(quietFor, "quietFor cannot be null");
        Objects.requireNonNull(timeout, "timeout cannot be null");
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long lastSequence = lastSequence();
        long lastChange = start;
        while (true) {
            long now = System.nanoTime();
            long sequence = lastSequence();
            if (sequence != lastSequence) {
                lastSequence = sequence;
                lastChange = now;
            } else if (now - lastChange >= quietFor.toNanos()) {
                return sincePlayed();
            }
            if (now - deadline >= 0) {
                List<UpstreamExchange> seen = sincePlayed();
                throw new AssertionError("expected the upstream to see no new request for " + quietFor.toMillis()
                        + " ms within " + timeout.toMillis() + " ms, but requests kept arriving: " + seen.size()
                        + " so far" + timeline(seen));
            }
            pause();
        }
    }

    private static String timeline(List<UpstreamExchange> seen) {
        if (seen.isEmpty()) {
            return " (none)";
        }
        StringBuilder out = new StringBuilder(":");
        Instant first = seen.get(0).arrived();
        for (UpstreamExchange e : seen) {
            out.append("\n  #").append(e.sequence()).append("  +")
                    .append(Duration.between(first, e.arrived()).toMillis()).append(" ms  ")
                    .append(e.method()).append(' ').append(e.path()).append("  ")
                    .append(e.status() == 0 ? "no status" : String.valueOf(e.status()))
                    .append(e.fault() == null ? "  answered" : "  " + e.fault());
            if (e.phase() != null) {
                out.append("  [").append(e.phase()).append(']');
            }
        }
        return out.toString();
    }

    static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the upstream", e);
        }
    }
}
