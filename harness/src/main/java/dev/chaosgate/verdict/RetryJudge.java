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
        // The budget is per call: each step of a multi-step action (a tool-result round trip) has its own.
        List<Attempt> busiest = attemptsOfBusiestStep(attempts);
        if (busiest.size() > expect.maxAttempts()) {
            findings.add(Finding.of(FindingCode.TOO_MANY_ATTEMPTS,
                    busiest.size() + " attempts where the budget is " + expect.maxAttempts()
                            + "; a good client caps its retries so a failing service is not hammered",
                    "attempts " + busiest.get(expect.maxAttempts()).number() + ".." + busiest.get(busiest.size() - 1).number()
                            + " were over budget"));
        }
        // Without any attempt (neither the upstream nor the link saw a request) nothing tells how often
        // the client tried, so NO_RETRY is not judged.
        if (expect.retry() && expect.outcome() == Expectation.Outcome.SUCCEEDS && c.gaveUp()
                && !attempts.isEmpty() && ofStep(attempts, attempts.get(attempts.size() - 1).step()) < expect.maxAttempts()) {
            Attempt last = attempts.get(attempts.size() - 1);
            int tried = ofStep(attempts, last.step());
            if (c.retryable(last)) {
                findings.add(Finding.of(FindingCode.NO_RETRY,
                        "the client gave up after attempt " + last.number() + " (" + VerdictCase.failureClass(last)
                                + ") with " + (expect.maxAttempts() - tried)
                                + " attempt(s) of budget left; the service recovers, so a good client retries",
                        last.describe(), "budget: " + expect.maxAttempts() + " attempts"));
            }
        }
    }

    private static int ofStep(List<Attempt> attempts, int step) {
        return (int) attempts.stream().filter(a -> a.step() == step).count();
    }

    private static List<Attempt> attemptsOfBusiestStep(List<Attempt> attempts) {
        List<Attempt> busiest = List.of();
        for (Attempt attempt : attempts) {
            List<Attempt> same = attempts.stream().filter(a -> a.step() == attempt.step()).toList();
            if (same.size() > busiest.size()) {
                busiest = same;
            }
        }
        return busiest;
    }
}
