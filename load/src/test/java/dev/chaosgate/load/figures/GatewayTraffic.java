package dev.chaosgate.load.figures;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.journal.Journal;
import dev.chaosgate.upstream.UpstreamExchange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a gateway saw, second by second, read from its journal as requests finish: attempts, and
 * how many were turned away with {@code turnedAwayStatus} (503 when shedding, 429 when limiting).
 * Counted live rather than read from {@code exchanges()} at the end, which keeps only the newest.
 */
public final class GatewayTraffic {
    /** A second counts as overloaded when at least this share of its attempts was turned away. */
    public static final double OVERLOADED_SHARE = 0.10;
    private static final int SECONDS = 3_600;

    private final Instant start;
    private final int turnedAwayStatus;
    private final AtomicLongArray attempts = new AtomicLongArray(SECONDS);
    private final AtomicLongArray turnedAway = new AtomicLongArray(SECONDS);
    private final AtomicLongArray answered = new AtomicLongArray(SECONDS);

    GatewayTraffic(Instant start, int turnedAwayStatus) {
        this.start = start;
        this.turnedAwayStatus = turnedAwayStatus;
    }

    /** Starts counting the generation requests {@code gateway} answers from now on. */
    public static GatewayTraffic watch(ChaosGateway gateway, int turnedAwayStatus) {
        GatewayTraffic traffic = new GatewayTraffic(Instant.now(), turnedAwayStatus);
        gateway.journal().onEntry(traffic::heard);
        return traffic;
    }

    private void heard(Journal.Entry entry) {
        if (!(entry instanceof Journal.Request request) || !request.exchange().complete()
                || !request.exchange().isGeneration()) {
            return;
        }
        UpstreamExchange exchange = request.exchange();
        count((exchange.arrived().toEpochMilli() - start.toEpochMilli()) / 1000, exchange.status());
    }

    /** One attempt that arrived in second {@code second} of the run and got {@code status}. */
    void count(long second, int status) {
        if (second < 0 || second >= SECONDS) {
            return;
        }
        int index = (int) second;
        attempts.incrementAndGet(index);
        if (status == turnedAwayStatus) {
            turnedAway.incrementAndGet(index);
        } else if (status == 200) {
            answered.incrementAndGet(index);
        }
    }

    public Instant start() {
        return start;
    }

    public long attempts() {
        return sum(attempts, 0, SECONDS);
    }

    public long turnedAway() {
        return sum(turnedAway, 0, SECONDS);
    }

    /** Attempts per second over seconds {@code from} (inclusive) to {@code to} (exclusive) of the run. */
    public double attemptRate(int from, int to) {
        return to <= from ? 0 : (double) sum(attempts, from, to) / (to - from);
    }

    /** The most attempts the gateway got in any one second. */
    public long peakAttemptRate() {
        long peak = 0;
        for (int second = 0; second < SECONDS; second++) {
            peak = Math.max(peak, attempts.get(second));
        }
        return peak;
    }

    /** Answered (200) attempts per second over seconds {@code from} to {@code to} (exclusive). */
    public double answerRate(int from, int to) {
        return to <= from ? 0 : (double) sum(answered, from, to) / (to - from);
    }

    /**
     * The overload as the gateway lived it. A second is overloaded when at least
     * {@value #OVERLOADED_SHARE} of its attempts were turned away; the episode is the run of
     * overloaded seconds (one calm second inside does not end it) with the most turned away.
     * Null when no second was overloaded.
     */
    public Overload overload() {
        int seconds = 0;
        Window best = null;
        long bestTurnedAway = 0;
        int from = -1;
        int last = -1;
        for (int second = 0; second <= SECONDS; second++) {
            boolean overloaded = second < SECONDS && attempts.get(second) > 0
                    && turnedAway.get(second) >= OVERLOADED_SHARE * attempts.get(second);
            if (overloaded) {
                seconds++;
            }
            if (from >= 0 && (second == SECONDS || (!overloaded && second - last > 1))) {
                long episodeTurnedAway = sum(turnedAway, from, last + 1);
                if (episodeTurnedAway > bestTurnedAway) {
                    best = new Window(from, last + 1);
                    bestTurnedAway = episodeTurnedAway;
                }
                from = -1;
            }
            if (overloaded) {
                from = from < 0 ? second : from;
                last = second;
            }
        }
        return best == null ? null : new Overload(seconds, best);
    }

    /** The seconds of the run up to the last one with any attempt, each with its counts. */
    public List<Second> timeline() {
        int end = SECONDS;
        while (end > 0 && attempts.get(end - 1) == 0) {
            end--;
        }
        List<Second> seconds = new ArrayList<>();
        for (int second = 0; second < end; second++) {
            seconds.add(new Second(second, attempts.get(second), answered.get(second), turnedAway.get(second)));
        }
        return seconds;
    }

    private static long sum(AtomicLongArray counts, int from, int to) {
        long total = 0;
        for (int i = Math.max(0, from); i < Math.min(SECONDS, to); i++) {
            total += counts.get(i);
        }
        return total;
    }

    /**
     * How long a gateway was overloaded.
     *
     * @param overloadedSeconds every second with at least {@value #OVERLOADED_SHARE} of its attempts turned away
     * @param episode           the main episode: the longest-lived overload, in seconds since the load started
     */
    public record Overload(int overloadedSeconds, Window episode) {
    }

    /** Seconds {@code from} (inclusive) to {@code to} (exclusive) since the gateway was watched. */
    public record Window(int from, int to) {
        public int seconds() {
            return to - from;
        }
    }

    /** One second of the run at the gateway. */
    public record Second(int second, long attempts, long answered, long turnedAway) {
    }
}
