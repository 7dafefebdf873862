package dev.chaosgate.verdict;

import dev.chaosgate.scenario.Expectation;

import java.util.List;

/** {@code NO_RETRY}, {@code RETRIED_NON_RETRYABLE}, {@code TOO_MANY_ATTEMPTS}: whether the client retried, and only when it should. */
final class RetryJudge implements Judge {
    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        List<Attempt> attempts = c.attempts();
        Expectation expect = c.expect();
        for (int i = 0; i < attempts.size() - 1; i++) {
            Attempt failed = attempts.get(i);
            if (VerdictCase.failed(failed) && (!c.retryable(failed) || !expect.retry())) {
                Attempt next = attempts.get(i + 1);
                String why = Boolean.FALSE.equals(failed.shouldRetry()) ? "the answer said x-should-retry: false"
                        : !c.retryable(failed) ? VerdictCase.failureClass(failed) + " is not retryable (guidance catalog)"
                        : "this scenario's failure must not be retried";
                findings.add(Finding.of(FindingCode.RETRIED_NON_RETRYABLE,
                        "attempt " + next.number() + " retried attempt " + failed.number() + "'s " + failed.status()
                                + " although retrying cannot fix it; a good client stops and tells the user",
                        why, failed.describe(), next.describe()));
                break;
            }
        }
        if (attempts.size() > expect.maxAttempts()) {
            findings.add(Finding.of(FindingCode.TOO_MANY_ATTEMPTS,
                    attempts.size() + " attempts where the budget is " + expect.maxAttempts()
                            + "; a good client caps its retries so a failing service is not hammered",
                    "attempts " + attempts.get(expect.maxAttempts()).number() + ".." + attempts.size() + " were over budget"));
        }
        // Without any attempt (neither the upstream nor the link saw a request) nothing tells how often
        // the client tried, so NO_RETRY is not judged.
        if (expect.retry() && expect.outcome() == Expectation.Outcome.SUCCEEDS && c.gaveUp()
                && !attempts.isEmpty() && attempts.size() < expect.maxAttempts()) {
            Attempt last = attempts.get(attempts.size() - 1);
            if (c.retryable(last)) {
                findings.add(Finding.of(FindingCode.NO_RETRY,
                        "the client gave up after attempt " + last.number() + " (" + VerdictCase.failureClass(last)
                                + ") with " + (expect.maxAttempts() - attempts.size())
                                + " attempt(s) of budget left; the service recovers, so a good client retries",
                        last.describe(), "budget: " + expect.maxAttempts() + " attempts"));
            }
        }
    }
}
