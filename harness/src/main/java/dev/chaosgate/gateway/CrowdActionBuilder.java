package dev.chaosgate.gateway;

import dev.chaosgate.scenario.Crowd;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.CrowdVerdict;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Several users acting at once on one gateway, for a Java client: each user runs the action on a thread of its
 * own, with its own {@link CrowdUser} (id and prompt), and the crowd is judged per user and as a whole
 * ({@link CrowdVerdict}). From {@link ChaosGateway#crowd()}:
 *
 * <pre>{@code
 * CrowdVerdict verdict = gateway.crowd().users(20).act(user -> myApp.ask(user.prompt(), user.id()));
 * ChaosAssertions.assertThat(verdict).passes();
 * }</pre>
 *
 * The number of users, their arrival and the bound on amplification come from the playing scenario's {@code crowd:}
 * when it declares one; {@link #users(int)} and {@link #arrival(Duration)} override it.
 */
public final class CrowdActionBuilder {
    /** The longest users arriving together wait at the gateway for the slowest one's first request. */
    public static final Duration GATHERING = Duration.ofSeconds(10);

    private final ChaosGateway gateway;
    private Integer users;
    private Duration arrival;
    private String prompt = "Summarise the incident report in three bullet points.";
    private boolean identicalPrompts;
    private Duration timeout = Duration.ofMinutes(2);

    CrowdActionBuilder(ChaosGateway gateway) {
        this.gateway = gateway;
    }

    /** How many users act (2..{@value Crowd#MAX_USERS}); default: the scenario's crowd. */
    public CrowdActionBuilder users(int count) {
        if (count < 2 || count > Crowd.MAX_USERS) {
            throw new IllegalArgumentException("a crowd has 2.." + Crowd.MAX_USERS + " users, got " + count
                    + "; one user's action is gateway.verdict(report)");
        }
        this.users = count;
        return this;
    }

    /** Over how long the users' first requests are spread, evenly; zero: all together (default: the scenario's). */
    public CrowdActionBuilder arrival(Duration spread) {
        Objects.requireNonNull(spread, "arrival cannot be null");
        if (spread.isNegative()) {
            throw new IllegalArgumentException("arrival must be >= 0, got " + spread);
        }
        this.arrival = spread;
        return this;
    }

    /** The prompt the users type; each gets it with its id appended unless {@link #identicalPrompts()}. */
    public CrowdActionBuilder prompt(String text) {
        this.prompt = Objects.requireNonNull(text, "prompt cannot be null");
        return this;
    }

    /** Every user types the same prompt: only the user marker ({@link CrowdUser#HEADER}) tells them apart. */
    public CrowdActionBuilder identicalPrompts() {
        this.identicalPrompts = true;
        return this;
    }

    /** How long the whole crowd may take before the run fails, naming the users still acting (default 2 minutes). */
    public CrowdActionBuilder timeout(Duration limit) {
        Objects.requireNonNull(limit, "timeout cannot be null");
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + limit);
        }
        this.timeout = limit;
        return this;
    }

    /**
     * Runs {@code action} once per user, all at once (or spread over the arrival), and judges the crowd: each user's
     * verdict on that user's requests only, and the crowd's findings (amplification, synchronised retries).
     *
     * @param action what one user does: send its prompt through the client under test and report what the app showed
     * @throws IllegalStateException when no scenario plays, the action throws, or the crowd outlasts the timeout
     */
    public CrowdVerdict act(Function<CrowdUser, ClientReport> action) {
        Objects.requireNonNull(action, "action cannot be null");
        Scenario scenario = gateway.scenario();
        if (scenario == null) {
            throw new IllegalStateException("no scenario is playing: play one (@PlayScenario, ChaosGateway.builder().scenario(...))"
                    + " before the crowd acts");
        }
        Crowd crowd = crowdFor(scenario);
        gateway.upstream().answerTime(crowd.answerTime());
        if (crowd.arrival().isZero()) {
            // Together means together at the gateway, however long each thread takes to reach its first request.
            gateway.gatherCrowd(crowd.users(), GATHERING);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(crowd.users(), task -> {
            Thread thread = new Thread(task, "chaosgate-crowd-" + scenario.name() + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        List<CrowdUser> crowdUsers = new ArrayList<>();
        List<Future<ClientReport>> runs = new ArrayList<>();
        long go = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        try {
            for (int i = 0; i < crowd.users(); i++) {
                String id = CrowdUser.idOf(i);
                CrowdUser user = new CrowdUser(id, i, identicalPrompts ? prompt : prompt + " (" + id + ")");
                crowdUsers.add(user);
                long at = go + crowd.startOf(i).toNanos();
                runs.add(pool.submit(() -> {
                    long wait = at - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    return Objects.requireNonNull(action.apply(user), () -> "the action of " + user.id() + " returned no report");
                }));
            }
            Map<String, ClientReport> reports = new LinkedHashMap<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            for (int i = 0; i < runs.size(); i++) {
                CrowdUser user = crowdUsers.get(i);
                try {
                    reports.put(user.id(), runs.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (ExecutionException e) {
                    throw new IllegalStateException(user.id() + "'s action threw " + e.getCause() + "; an action reports what the app"
                            + " showed, errors included (catch the client's exception and report the message the app shows)", e.getCause());
                } catch (TimeoutException e) {
                    List<String> acting = new ArrayList<>();
                    for (int j = i; j < runs.size(); j++) {
                        if (!runs.get(j).isDone()) {
                            acting.add(crowdUsers.get(j).id());
                        }
                    }
                    throw new IllegalStateException("the crowd did not finish within " + timeout + ": still acting: " + acting
                            + "; give the client timeouts of its own, or a longer crowd().timeout(...)");
                }
            }
            return gateway.crowdVerdict(reports);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the crowd acted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private Crowd crowdFor(Scenario scenario) {
        Crowd declared = scenario.crowd();
        int count = users != null ? users : declared != null ? declared.users() : 0;
        if (count == 0) {
            throw new IllegalStateException("scenario " + scenario.name() + " declares no crowd: say how many users act with"
                    + " gateway.crowd().users(n)");
        }
        Crowd crowd = declared != null ? declared.withUsers(count)
                : new Crowd(count, Duration.ZERO, Duration.ZERO, scenario.expect().maxAttempts());
        return arrival == null ? crowd : new Crowd(crowd.users(), arrival, crowd.answerTime(), crowd.maxAmplification());
    }
}
