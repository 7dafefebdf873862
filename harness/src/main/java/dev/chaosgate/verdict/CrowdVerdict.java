package dev.chaosgate.verdict;

import dev.chaosgate.scenario.Crowd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The judgement of a crowd: one {@link Verdict} per user, each on that user's attempts only, and the crowd's
 * aggregate (the load it put on the gateway, how long the overload lasted, how many users got an answer) with
 * findings of its own ({@link FindingCode#RETRY_AMPLIFICATION}, {@link FindingCode#RETRIES_SYNCHRONISED}).
 * PASS when every user passed and the aggregate found nothing.
 *
 * @param users    one verdict per user, in the order the users started
 * @param figures  what the crowd did to the gateway
 * @param findings what is wrong with the crowd as a whole
 * @param notes    what could not be judged (requests no user could be told apart by), never a failure
 */
public record CrowdVerdict(String scenario, Crowd crowd, List<UserVerdict> users, Figures figures, List<Finding> findings,
                           List<String> notes) {

    public CrowdVerdict {
        Objects.requireNonNull(scenario, "scenario cannot be null");
        Objects.requireNonNull(crowd, "crowd cannot be null");
        users = List.copyOf(users);
        Objects.requireNonNull(figures, "figures cannot be null");
        findings = List.copyOf(findings);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** One user of the crowd and the verdict on its action. */
    public record UserVerdict(String user, Verdict verdict) {
        public UserVerdict {
            Objects.requireNonNull(user, "user cannot be null");
            Objects.requireNonNull(verdict, "verdict cannot be null");
        }

        /** Whether the user got an answer in full. */
        public boolean answered() {
            return verdict.attempts().stream().anyMatch(a -> a.reachedUpstream() && a.exchange().delivered());
        }
    }

    /**
     * What the crowd did to the gateway.
     *
     * @param users          users in the crowd (user actions: one each)
     * @param answered       users who got an answer in full
     * @param attempts       generation requests the gateway saw from the crowd (every user's, and any it could not attribute)
     * @param amplification  attempts per user action
     * @param peakLoad       the most requests at once: in flight at the upstream (overload), or in one window (rate limit)
     * @param capacity       what the scenario's fault allows in that unit ({@code maxInFlight}, requests per window), or 0 when it sets none
     * @param loadUnit       what {@code peakLoad} and {@code capacity} count: {@code "in flight"} or {@code "per 5 s window"}
     * @param turnedAway     attempts the fault turned away (shed, rate-limited)
     * @param overloadLasted from the first attempt turned away to the end of the last one (zero when none was)
     * @param retriesAfterWait retries that came after an answer asking to wait (Retry-After)
     * @param retryWaitSpread how much those retries' waits differed beyond the wait asked (10th to 90th percentile), or null
     *                       with fewer than {@value CrowdJudging#MIN_HERD} users retrying after a wait
     * @param unattributed   generation requests no user could be told apart by (identical prompts and no user marker)
     */
    public record Figures(int users, int answered, int attempts, double amplification, int peakLoad, int capacity, String loadUnit,
                          int turnedAway, Duration overloadLasted, int retriesAfterWait, Duration retryWaitSpread,
                          int unattributed) {

        /** One line: {@code 20 users, 14 answered; 47 attempts (2.35 per action); peak 20 in flight (capacity 2); ...}. */
        public String summary() {
            return String.format(Locale.ROOT, "%d users, %d answered; %d attempts (%.2f per action); peak %d %s%s;"
                            + " %d turned away, overload lasted %.1f s%s", users, answered, attempts, amplification, peakLoad,
                    loadUnit, capacity > 0 ? " (capacity " + capacity + ")" : "", turnedAway, overloadLasted.toMillis() / 1000.0,
                    unattributed > 0 ? "; " + unattributed + " request(s) not told apart" : "");
        }
    }

    public boolean passed() {
        return findings.isEmpty() && users.stream().allMatch(u -> u.verdict().passed());
    }

    /** The aggregate's codes and every user's. */
    public Set<FindingCode> codes() {
        Set<FindingCode> codes = EnumSet.noneOf(FindingCode.class);
        findings.forEach(f -> codes.add(f.code()));
        users.forEach(u -> codes.addAll(u.verdict().codes()));
        return codes;
    }

    /** The users whose verdict failed. */
    public List<UserVerdict> failedUsers() {
        return users.stream().filter(u -> !u.verdict().passed()).toList();
    }

    /**
     * The crowd as one verdict, for the places that show one per row: every user's attempts in time order,
     * the aggregate findings, then each user's findings with the user named first ({@code user-3: ...}).
     */
    public Verdict combined() {
        List<Attempt> attempts = new ArrayList<>();
        List<Finding> all = new ArrayList<>(findings);
        List<String> allNotes = new ArrayList<>(notes);
        for (UserVerdict user : users) {
            attempts.addAll(user.verdict().attempts());
            for (Finding finding : user.verdict().findings()) {
                all.add(new Finding(finding.code(), user.user() + ": " + finding.message(), finding.evidence()));
            }
            user.verdict().notes().forEach(n -> allNotes.add(user.user() + ": " + n));
        }
        attempts.sort(Comparator.comparing(a -> a.exchange().arrived()));
        Verdict first = users.get(0).verdict();
        return new Verdict(scenario, first.expectation(), first.report(), attempts, List.of(), all, allNotes, List.of(),
                first.catalog());
    }

    /** A bug report: the aggregate, its findings, and the verdict of every user that failed. */
    public String explain() {
        StringBuilder out = new StringBuilder();
        out.append("chaosgate crowd verdict for scenario '").append(scenario).append("': ")
                .append(passed() ? "PASS" : "FAIL").append('\n');
        out.append("Crowd: ").append(figures.summary()).append('\n');
        for (Finding finding : findings) {
            out.append("  ").append(finding.code()).append(": ").append(finding.message()).append('\n');
            finding.evidence().forEach(e -> out.append("      ").append(e).append('\n'));
        }
        notes.forEach(n -> out.append("  note: ").append(n).append('\n'));
        out.append(users.size() - failedUsers().size()).append(" of ").append(users.size()).append(" users passed\n");
        for (UserVerdict user : failedUsers()) {
            out.append("--- ").append(user.user()).append('\n').append(user.verdict().explain());
        }
        return out.toString();
    }
}
