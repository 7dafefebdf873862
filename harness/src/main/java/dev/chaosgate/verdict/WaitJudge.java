package dev.chaosgate.verdict;

import java.time.Duration;
import java.util.List;

/**
 * {@code USER_KEPT_WAITING}: the user waited longer than the scenario allows ({@code userWaitsAtMost})
 * for an answer, or for the message of a client that gave up. The wait runs from the first attempt's
 * arrival to the end of the last attempt: the answer, or the failure after which the client spoke. When
 * the last attempt was still unanswered (the client left a delayed answer), its arrival is the least
 * the user waited. A hung client is {@code CLIENT_HUNG} instead.
 */
final class WaitJudge implements Judge {
    /** Scheduling and clock slack. */
    static final Duration SLACK = Duration.ofMillis(250);

    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        Duration limit = c.expect().userWaitsAtMost();
        if (limit == null || c.hung() || c.attempts().isEmpty()) {
            return;
        }
        Attempt last = c.last().orElseThrow();
        boolean ended = last.exchange().complete();
        Duration waited = ended ? last.end() : last.offset();
        if (waited.compareTo(limit.plus(SLACK)) <= 0) {
            return;
        }
        boolean answered = VerdictCase.answered(last);
        String outcome = answered ? "for an answer (attempt " + last.number() + ")"
                : "before the client " + (c.gaveUp() ? "gave up" : "stopped");
        findings.add(Finding.of(FindingCode.USER_KEPT_WAITING,
                "the user waited " + (ended ? "" : "at least ") + Finding.seconds(waited) + " " + outcome + " where this scenario allows "
                        + Finding.seconds(limit) + (c.attempts().size() > 1 ? longestGap(c) : "")
                        + "; a good client's timeouts and waits fit the time a user sits through, and it tells the user when they cannot",
                c.attempts().stream().map(Attempt::describe).toArray(String[]::new)));
    }

    /** Where most of the time went: the longest stretch between two arrivals. */
    private static String longestGap(VerdictCase c) {
        List<Attempt> attempts = c.attempts();
        int at = 1;
        Duration longest = Duration.ZERO;
        for (int i = 1; i < attempts.size(); i++) {
            Duration stretch = attempts.get(i).offset().minus(attempts.get(i - 1).offset());
            if (stretch.compareTo(longest) > 0) {
                longest = stretch;
                at = i;
            }
        }
        return ", " + Finding.seconds(longest) + " of it between attempt " + at + " and attempt " + (at + 1);
    }

}
