package dev.chaosgate.verdict;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code NO_BACKOFF}: retries at least the scenario's minimum apart, and waits that grow. Gaps the
 * answer dictated with Retry-After are the Retry-After judge's business and are left out here.
 */
final class BackoffJudge implements Judge {
    /** Timer and scheduling slack. */
    static final Duration SLACK = Duration.ofMillis(20);

    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        if (!c.expect().retry()) {
            return;
        }
        List<Attempt> attempts = c.attempts();
        Duration minimum = c.expect().minBackoff();
        List<Duration> ownGaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            Attempt previous = attempts.get(i - 1);
            Attempt next = attempts.get(i);
            // After an attempt that did not fail, the next one is the action's next step, not a retry.
            if (next.gap() == null || previous.askedWait() != null || !VerdictCase.failed(previous)) {
                continue;
            }
            ownGaps.add(next.gap());
            if (!minimum.isZero() && next.gap().plus(SLACK).compareTo(minimum) < 0) {
                findings.add(Finding.of(FindingCode.NO_BACKOFF,
                        "attempt " + next.number() + " came " + next.gap().toMillis() + " ms after attempt "
                                + previous.number() + " failed; a good client waits at least " + minimum.toMillis()
                                + " ms and longer each time",
                        previous.describe(), next.describe()));
                return;
            }
        }
        // Three or more waits that never grow are a fixed-interval retry loop, not a backoff.
        if (ownGaps.size() >= 3) {
            Duration first = ownGaps.get(0);
            boolean grows = ownGaps.stream().skip(1).anyMatch(g -> g.toNanos() > first.toNanos() * 1.2);
            if (!grows) {
                findings.add(Finding.of(FindingCode.NO_BACKOFF,
                        "the waits between attempts do not grow (" + ownGaps.stream().map(g -> g.toMillis() + " ms").toList()
                                + "); a good client backs off exponentially, with jitter",
                        "waits: " + ownGaps.stream().map(g -> g.toMillis() + " ms").toList()));
            }
        }
    }
}
