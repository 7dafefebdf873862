package dev.chaosgate.verdict;

import dev.chaosgate.scenario.Crowd;
import dev.chaosgate.scenario.Phase;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Judges a crowd: splits what the gateway saw per user first, judges each user's action on its own requests only
 * (the grouping of {@link ActionGrouping} runs inside one user's requests, never across users), then the crowd.
 *
 * <p><b>Whose request.</b> By the one rule of {@link UserAttribution}, with the crowd's users and their typed prompts
 * known: a marker naming someone outside the crowd makes the request nobody's. A request the rule does not tell apart
 * (identical prompts, no marker, a new connection) is judged for nobody and counted in
 * {@link CrowdVerdict.Figures#unattributed()}.
 */
final class CrowdJudging {
    /** Fewer users retrying after a wait than this is no herd (and too few to tell a herd from chance). */
    static final int MIN_HERD = 6;
    /**
     * Retries whose waits beyond Retry-After differ by less than this, or {@link #HERD_SHARE} of the wait asked if more,
     * 10th to 90th percentile, landed together. Set so that jitter is never taken for a herd: a client adding up to 25 %
     * of the wait spreads its users' waits uniformly over that quarter, and the 10th-to-90th spread of 10 such users falls
     * under a fifth of it (5 % of the wait) about once in a thousand crowds (the spread of the 2nd and 9th of 10 uniform
     * draws follows Beta(7, 4)); of 6 users, under one in a hundred. The price: separate client processes waking on a
     * busy machine spread by scheduling noise alone (up to a few hundred ms), so a herd after a short wait (1 s) can
     * pass unnoticed; after a wait of several seconds it is caught.
     */
    static final Duration HERD_SPREAD = Duration.ofMillis(50);
    static final double HERD_SHARE = 0.05;
    /** A retry this much before the wait asked still honoured it (the judges' own tolerance is separate). */
    private static final Duration HONOURED_TOLERANCE = Duration.ofMillis(50);

    private CrowdJudging() {
    }

    static CrowdVerdict judge(VerdictEngine engine, Scenario scenario, List<UpstreamExchange> exchanges,
                              List<LinkRequest> linkRequests, Map<String, ClientReport> reports) {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("a crowd needs at least one user's report");
        }
        Crowd crowd = scenario.crowd() != null ? scenario.crowd().withUsers(Math.max(2, reports.size()))
                : new Crowd(Math.max(2, reports.size()), Duration.ZERO, Duration.ZERO, scenario.expect().maxAttempts());
        Map<String, List<UpstreamExchange>> byUser = new LinkedHashMap<>();
        reports.keySet().forEach(u -> byUser.put(u, new ArrayList<>()));
        UserAttribution attribution = UserAttribution.of(reports);
        int unattributed = 0;
        for (UpstreamExchange exchange : exchanges) {
            String user = attribution.userOf(exchange).orElse(null);
            if (user == null) {
                if (exchange.isGeneration()) {
                    unattributed++;
                }
                continue;
            }
            byUser.get(user).add(exchange);
        }
        Map<String, List<LinkRequest>> headsByUser = attribution.headsByUser(exchanges, linkRequests);
        List<CrowdVerdict.UserVerdict> verdicts = new ArrayList<>();
        for (Map.Entry<String, ClientReport> user : reports.entrySet()) {
            List<LinkRequest> heads = headsByUser.getOrDefault(user.getKey(), List.of());
            long connections = heads.stream().map(LinkRequest::connection).distinct().count();
            verdicts.add(new CrowdVerdict.UserVerdict(user.getKey(),
                    engine.judge(scenario, byUser.get(user.getKey()), heads, connections, user.getValue())));
        }
        // Any request of the crowd that met the fault, whoever sent it: one no user could be told apart by counts too.
        boolean crowdMetFault = exchanges.stream().anyMatch(e -> e.isGeneration() && e.fault() != null);
        if (crowdMetFault) {
            // In a crowd, a user the fault spared was served normally while others met it: nothing vacuous about that.
            verdicts = verdicts.stream().map(v -> spared(v)).toList();
        }
        List<UpstreamExchange> generation = exchanges.stream().filter(UpstreamExchange::isGeneration).toList();
        CrowdVerdict.Figures figures = figures(scenario, crowd, generation, verdicts, unattributed);
        List<Finding> findings = new ArrayList<>();
        boolean hasFault = scenario.phases().stream().anyMatch(p -> p.upstream() != null || !p.link().isEmpty());
        if (hasFault && !crowdMetFault) {
            findings.add(Finding.of(FindingCode.FAULT_NOT_EXERCISED,
                    "no user of the crowd met the scenario's fault, so the crowd tested nothing",
                    figures.summary(), "are the users' first requests sent together? a crowd whose users finish one by one"
                            + " never loads the gateway"));
        }
        amplification(crowd, figures, verdicts, findings);
        synchronised(verdicts, findings);
        List<String> notes = new ArrayList<>();
        if (unattributed > 0) {
            notes.add(unattributed + " generation request(s) could not be told apart by user (the same prompt for several"
                    + " users, without a user marker) and were judged for nobody; mark each request with the "
                    + "X-Chaosgate-User header (the value of CHAOSGATE_USER), or the body's `user` field");
        }
        return new CrowdVerdict(scenario.name(), crowd, verdicts, figures, findings, notes);
    }

    /** A user the fault spared: its verdict without the "nothing met the fault" finding, as long as it reached the upstream. */
    private static CrowdVerdict.UserVerdict spared(CrowdVerdict.UserVerdict user) {
        Verdict verdict = user.verdict();
        if (verdict.attempts().stream().noneMatch(Attempt::reachedUpstream)) {
            return user;
        }
        List<Finding> kept = verdict.findings().stream().filter(f -> f.code() != FindingCode.FAULT_NOT_EXERCISED).toList();
        return kept.size() == verdict.findings().size() ? user : new CrowdVerdict.UserVerdict(user.user(), verdict.withFindings(kept));
    }

    private static CrowdVerdict.Figures figures(Scenario scenario, Crowd crowd, List<UpstreamExchange> generation,
                                                List<CrowdVerdict.UserVerdict> verdicts, int unattributed) {
        int users = verdicts.size();
        int answered = (int) verdicts.stream().filter(CrowdVerdict.UserVerdict::answered).count();
        int attempts = generation.size();
        Optional<UpstreamFault.RateLimitWindow> window = faults(scenario).stream()
                .filter(UpstreamFault.RateLimitWindow.class::isInstance).map(UpstreamFault.RateLimitWindow.class::cast)
                .filter(w -> w.requests() > 0).findFirst();
        int peak;
        int capacity;
        String unit;
        if (window.isPresent()) {
            peak = peakPerWindow(generation, window.get().window());
            capacity = window.get().requests();
            unit = "per " + seconds(window.get().window()) + " window";
        } else {
            peak = peakInFlight(generation);
            capacity = faults(scenario).stream().filter(UpstreamFault.Overload.class::isInstance)
                    .mapToInt(f -> ((UpstreamFault.Overload) f).maxInFlight()).findFirst().orElse(0);
            unit = "in flight";
        }
        List<UpstreamExchange> turnedAway = generation.stream().filter(e -> e.fault() != null && !e.delivered()).toList();
        Duration lasted = Duration.ZERO;
        if (!turnedAway.isEmpty()) {
            Instant from = turnedAway.get(0).arrived();
            Instant to = turnedAway.stream().map(e -> e.arrived().plus(e.duration())).max(Comparator.naturalOrder()).orElse(from);
            lasted = Duration.between(from, to);
        }
        List<Retry> retries = retriesAfterWait(verdicts);
        return new CrowdVerdict.Figures(users, answered, attempts, users == 0 ? 0 : (double) attempts / users, peak, capacity,
                unit, turnedAway.size(), lasted, retries.size(), herdSpread(retries).orElse(null), unattributed);
    }

    /** The faults the scenario's phases serve, wrappers opened. */
    private static List<UpstreamFault> faults(Scenario scenario) {
        List<UpstreamFault> out = new ArrayList<>();
        for (Phase phase : scenario.phases()) {
            open(phase.upstream(), out);
        }
        return out;
    }

    private static void open(UpstreamFault fault, List<UpstreamFault> out) {
        if (fault == null) {
            return;
        }
        out.add(fault);
        if (fault instanceof UpstreamFault.FirstOf first) {
            first.faults().forEach(f -> open(f, out));
        } else if (fault instanceof UpstreamFault.FirstRequests first) {
            open(first.fault(), out);
        } else if (fault instanceof UpstreamFault.WithProbability chance) {
            open(chance.fault(), out);
        } else if (fault instanceof UpstreamFault.Outage outage) {
            open(outage.fault(), out);
        } else if (fault instanceof UpstreamFault.Flapping flapping) {
            open(flapping.fault(), out);
        }
    }

    /** The most generation requests being answered at the same instant. */
    static int peakInFlight(List<UpstreamExchange> generation) {
        List<long[]> events = new ArrayList<>();
        for (UpstreamExchange e : generation) {
            long start = e.arrived().toEpochMilli() * 1000 + e.arrived().getNano() / 1000 % 1000;
            long end = start + Math.max(1, e.duration().toNanos() / 1000);
            events.add(new long[]{start, 1});
            events.add(new long[]{end, -1});
        }
        // Ends before starts at the same instant: a request that ended is not in flight with one that starts then.
        events.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
        int now = 0;
        int peak = 0;
        for (long[] event : events) {
            now += (int) event[1];
            peak = Math.max(peak, now);
        }
        return peak;
    }

    /** The most generation requests that arrived within any {@code window}. */
    static int peakPerWindow(List<UpstreamExchange> generation, Duration window) {
        List<Instant> arrivals = generation.stream().map(UpstreamExchange::arrived).sorted().toList();
        int peak = 0;
        int from = 0;
        for (int i = 0; i < arrivals.size(); i++) {
            while (!arrivals.get(from).plus(window).isAfter(arrivals.get(i))) {
                from++;
            }
            peak = Math.max(peak, i - from + 1);
        }
        return peak;
    }

    /** One retry that waited at least what the previous answer asked: its user, the wait asked and how much longer it waited. */
    record Retry(String user, int number, Duration asked, Duration waited) {
        Duration beyond() {
            return waited.minus(asked);
        }
    }

    private static List<Retry> retriesAfterWait(List<CrowdVerdict.UserVerdict> verdicts) {
        List<Retry> retries = new ArrayList<>();
        for (CrowdVerdict.UserVerdict user : verdicts) {
            List<Attempt> attempts = user.verdict().attempts();
            for (int i = 1; i < attempts.size(); i++) {
                Attempt previous = attempts.get(i - 1);
                Attempt retry = attempts.get(i);
                if (previous.askedWait() != null && retry.gap() != null
                        && retry.gap().compareTo(previous.askedWait().minus(HONOURED_TOLERANCE)) >= 0) {
                    retries.add(new Retry(user.user(), retry.number(), previous.askedWait(), retry.gap()));
                }
            }
        }
        return retries;
    }

    /** How much the waits beyond Retry-After differed, 10th to 90th percentile; empty with too few users to form a herd. */
    private static Optional<Duration> herdSpread(List<Retry> retries) {
        if (retries.stream().map(Retry::user).distinct().count() < MIN_HERD) {
            return Optional.empty();
        }
        List<Long> beyond = retries.stream().map(r -> r.beyond().toMillis()).sorted().toList();
        return Optional.of(Duration.ofMillis(percentile(beyond, 0.9) - percentile(beyond, 0.1)));
    }

    private static long percentile(List<Long> sorted, double share) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(share * (sorted.size() - 1))));
    }

    private static void amplification(Crowd crowd, CrowdVerdict.Figures figures, List<CrowdVerdict.UserVerdict> verdicts,
                                      List<Finding> findings) {
        if (figures.amplification() <= crowd.maxAmplification()) {
            return;
        }
        String busiest = verdicts.stream().sorted(Comparator.comparingInt((CrowdVerdict.UserVerdict v) -> -v.verdict().attempts().size()))
                .limit(5).map(v -> v.user() + " " + v.verdict().attempts().size()).collect(Collectors.joining(", "));
        findings.add(Finding.of(FindingCode.RETRY_AMPLIFICATION,
                String.format(Locale.ROOT, "the crowd made %d attempts for %d user actions (%.2f per action) where this scenario"
                                + " allows %s: its retries multiplied the load on a gateway that was turning requests away"
                                + " (%d turned away, the overload lasted %s); a good client backs off, caps its retries and"
                                + " honours Retry-After, so a crowd of it lets the service recover",
                        figures.attempts(), figures.users(), figures.amplification(), plain(crowd.maxAmplification()),
                        figures.turnedAway(), Finding.seconds(figures.overloadLasted())),
                figures.summary(), "most attempts: " + busiest));
    }

    private static void synchronised(List<CrowdVerdict.UserVerdict> verdicts, List<Finding> findings) {
        List<Retry> retries = retriesAfterWait(verdicts);
        Optional<Duration> spread = herdSpread(retries);
        if (spread.isEmpty()) {
            return;
        }
        List<Long> asked = retries.stream().map(r -> r.asked().toMillis()).sorted().toList();
        long medianAsked = percentile(asked, 0.5);
        Duration together = Duration.ofMillis(Math.max(HERD_SPREAD.toMillis(), (long) (medianAsked * HERD_SHARE)));
        if (spread.get().compareTo(together) >= 0) {
            return;
        }
        long users = retries.stream().map(Retry::user).distinct().count();
        String examples = retries.stream().limit(4).map(r -> r.user() + " attempt " + r.number() + " waited " + r.waited().toMillis()
                + " ms after a Retry-After of " + r.asked().toMillis() + " ms").collect(Collectors.joining("; "));
        findings.add(Finding.of(FindingCode.RETRIES_SYNCHRONISED,
                users + " users honoured Retry-After with the same wait (their waits beyond it differed by only "
                        + spread.get().toMillis() + " ms, 10th to 90th percentile), so users turned away together came back"
                        + " together, a thundering herd that meets the same overload or window again; a good client adds"
                        + " random jitter to the wait Retry-After asks for (e.g. up to 25 % more)",
                retries.size() + " retries after a wait asked, " + users + " users; waits within " + together.toMillis()
                        + " ms of each other count as together",
                examples));
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
