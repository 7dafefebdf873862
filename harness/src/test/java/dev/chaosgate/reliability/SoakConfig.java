package dev.chaosgate.reliability;

import dev.chaosgate.journal.Journal;

import java.time.Duration;
import java.util.Objects;

/**
 * How long and how hard a {@link Soak} runs. It stops at {@code requests} or {@code duration},
 * whichever comes first.
 *
 * @param requests           requests to send in all
 * @param duration           the longest the clients send for
 * @param clients            client threads, each with one kept-alive connection and one request in flight
 * @param journalCapacity    the gateway journal's bound (the soak checks it is never exceeded)
 * @param limitDataBytes     the link's {@code limit_data}: every connection is cut after this many answer bytes
 * @param heapSampleInterval how often heap in use after a full collection is sampled
 * @param seed               the gateway's seed: fault draws and toxicity rolls
 */
public record SoakConfig(long requests, Duration duration, int clients, int journalCapacity, long limitDataBytes,
                         Duration heapSampleInterval, long seed) {

    public SoakConfig {
        Objects.requireNonNull(duration, "duration cannot be null");
        Objects.requireNonNull(heapSampleInterval, "heapSampleInterval cannot be null");
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be >= 1, got " + requests);
        }
        if (clients < 1 || clients > 256) {
            throw new IllegalArgumentException("clients must be in 1..256, got " + clients);
        }
        if (journalCapacity < 1) {
            throw new IllegalArgumentException("journalCapacity must be >= 1, got " + journalCapacity);
        }
        // Below a few answers per connection the soak would measure reconnecting, not the link.
        if (limitDataBytes < 16_384) {
            throw new IllegalArgumentException("limitDataBytes must be >= 16384, got " + limitDataBytes);
        }
    }

    /**
     * The full soak: a million requests or ten minutes, 16 clients, the journal's default bound.
     */
    public static SoakConfig full() {
        return new SoakConfig(1_000_000, Duration.ofMinutes(10), 16, Journal.DEFAULT_CAPACITY,
                64 * 1024, Duration.ofSeconds(10), 20261122L);
    }

    /**
     * The soak {@code mvn verify} runs: 40,000 requests or 25 s, 8 clients, and a journal of 2,000
     * entries so that it is full, its steady state, after the first few seconds.
     */
    public static SoakConfig quick() {
        return new SoakConfig(40_000, Duration.ofSeconds(25), 8, 2_000, 64 * 1024, Duration.ofSeconds(2), 20261122L);
    }

    public SoakConfig withRequests(long value) {
        return new SoakConfig(value, duration, clients, journalCapacity, limitDataBytes, heapSampleInterval, seed);
    }

    public SoakConfig withDuration(Duration value) {
        return new SoakConfig(requests, value, clients, journalCapacity, limitDataBytes, heapSampleInterval, seed);
    }

    public SoakConfig withClients(int value) {
        return new SoakConfig(requests, duration, value, journalCapacity, limitDataBytes, heapSampleInterval, seed);
    }

    public SoakConfig withJournalCapacity(int value) {
        return new SoakConfig(requests, duration, clients, value, limitDataBytes, heapSampleInterval, seed);
    }

    public SoakConfig withSeed(long value) {
        return new SoakConfig(requests, duration, clients, journalCapacity, limitDataBytes, heapSampleInterval, value);
    }
}
