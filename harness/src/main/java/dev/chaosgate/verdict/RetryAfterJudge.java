package dev.chaosgate.verdict;

import java.time.Duration;
import java.util.List;

/** {@code RETRY_AFTER_IGNORED}: the next attempt must not come before the wait the answer asked for. */
final class RetryAfterJudge implements Judge {
    /** Clocks and scheduling differ a little between client and gateway. */
    static Duration tolerance(Duration asked) {
        long millis = Math.max(50, Math.min(250, asked.toMillis() / 10));
        return Duration.ofMillis(millis);
    }

    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        if (!c.expect().honourRetryAfter()) {
            return;
        }
        List<Attempt> attempts = c.attempts();
        for (int i = 0; i < attempts.size() - 1; i++) {
            Attempt asked = attempts.get(i);
            Attempt next = attempts.get(i + 1);
            if (asked.askedWait() == null || next.gap() == null) {
                continue;
            }
            if (next.gap().plus(tolerance(asked.askedWait())).compareTo(asked.askedWait()) < 0) {
                findings.add(Finding.of(FindingCode.RETRY_AFTER_IGNORED,
                        "attempt " + next.number() + " came " + next.gap().toMillis() + " ms after attempt " + asked.number()
                                + "'s answer, which asked for " + asked.askedWait().toMillis()
                                + " ms; a good client waits at least as long as Retry-After says",
                        asked.describe(), next.describe()));
                return;
            }
        }
    }
}
