package dev.chaosgate.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * The users a scenario needs at once: overload and rate limits only exist when several users act together, so
 * such a scenario declares its crowd, and {@code chaosgate run} starts that many clients against one gateway.
 *
 * @param users            how many users act (each one client process, with a prompt and a user id of its own)
 * @param arrival          over how long their first requests are spread, evenly; zero: all at once (the gateway
 *                         gathers the first requests and lets them go together, however long each client takes to start)
 * @param answerTime       how long the upstream takes to write each answer (a model takes time, so users overlap);
 *                         zero: at once
 * @param maxAmplification the most attempts per user action the crowd may make on average (the gateway's load over
 *                         the load the users asked for); above it the aggregate finds {@code RETRY_AMPLIFICATION}
 */
public record Crowd(int users, Duration arrival, Duration answerTime, double maxAmplification) {
    /** The most users a crowd may declare: each is a process on the machine running the harness. */
    public static final int MAX_USERS = dev.chaosgate.scenario.syntax.ScenarioSyntax.MAX_CROWD_USERS;

    public Crowd {
        if (users < 2 || users > MAX_USERS) {
            throw new IllegalArgumentException("a crowd has 2.." + MAX_USERS + " users, got " + users);
        }
        Objects.requireNonNull(arrival, "arrival cannot be null");
        Objects.requireNonNull(answerTime, "answerTime cannot be null");
        if (arrival.isNegative() || answerTime.isNegative()) {
            throw new IllegalArgumentException("arrival and answerTime must be >= 0");
        }
        if (!(maxAmplification >= 1)) {
            throw new IllegalArgumentException("maxAmplification must be at least 1 (one attempt per action), got " + maxAmplification);
        }
    }

    /** This crowd with {@code n} users (e.g. {@code run --users n}). */
    public Crowd withUsers(int n) {
        return new Crowd(n, arrival, answerTime, maxAmplification);
    }

    /** When user {@code index} (0-based) sends its prompt, from the crowd's start: evenly over {@link #arrival}. */
    public Duration startOf(int index) {
        if (users == 1 || arrival.isZero()) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(arrival.toNanos() / (users - 1) * index);
    }
}
