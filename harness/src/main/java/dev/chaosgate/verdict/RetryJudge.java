package dev.chaosgate.verdict;

import dev.chaosgate.scenario.Expectation;
import dev.chaosgate.scenario.Phase;
import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code NO_RETRY}, {@code RETRIED_NON_RETRYABLE}, {@code TOO_MANY_ATTEMPTS}: whether the client retried,
 * and only when it should; {@code SLOW_ANSWER_ABANDONED}: whether it waited for an answer that was coming.
 */
final class RetryJudge implements Judge {
    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        List<Attempt> attempts = c.attempts();
        Expectation expect = c.expect();
        if (abandonedSlowAnswer(c, findings)) {
            // The retries that followed are the consequence; the finding says what went wrong first.
            return;
        }
        for (int i = 0; i < attempts.size() - 1; i++) {
            Attempt failed = attempts.get(i);
            if (VerdictCase.failed(failed) && (!c.retryable(failed) || !expect.retry())) {
                Attempt next = attempts.get(i + 1);
                String why = FailureRule.whyNotRetryable(failed, c.catalog()).orElse("this scenario's failure must not be retried");
                findings.add(Finding.of(FindingCode.RETRIED_NON_RETRYABLE,
                        "attempt " + next.number() + " retried attempt " + failed.number() + "'s "
                                + (failed.status() > 0 ? String.valueOf(failed.status()) : FailureRule.failureClass(failed).orElse("failure"))
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

    /**
     * Where a good client waits for its one attempt (an answer is coming, no retry expected), a client
     * that closed that attempt before the answer ended gave up on a working service: its own timeout is
     * too short. Not judged for a client stopped while waiting: that is {@code CLIENT_HUNG}.
     */
    private static boolean abandonedSlowAnswer(VerdictCase c, List<Finding> findings) {
        Expectation expect = c.expect();
        if (expect.retry() || expect.outcome() != Expectation.Outcome.SUCCEEDS || c.hung()) {
            return false;
        }
        List<Attempt> attempts = c.attempts();
        for (int i = 0; i < attempts.size(); i++) {
            Attempt abandoned = attempts.get(i);
            if (!FailureRule.abandonedWhileComing(abandoned)) {
                continue;
            }
            Optional<Attempt> next = i + 1 < attempts.size() ? Optional.of(attempts.get(i + 1)) : Optional.empty();
            String coming = slowDelay(c, abandoned).map(d -> "this scenario's service answers after " + Finding.seconds(d))
                    .orElse("the answer was arriving, slowly but steadily");
            String then = next.map(n -> " and sent attempt " + n.number() + " " + Finding.seconds(n.offset().minus(abandoned.offset()))
                            + " after it, paying for the generation twice")
                    .orElse("; the user got no answer");
            findings.add(Finding.of(FindingCode.SLOW_ANSWER_ABANDONED,
                    "the client abandoned attempt " + abandoned.number() + " while its answer was still coming ("
                            + coming + ")" + then + "; a good client's timeout leaves room for a slow but working service,"
                            + " and it shows progress while it waits",
                    next.isPresent() ? new String[]{abandoned.describe(), next.get().describe()} : new String[]{abandoned.describe()}));
            return true;
        }
        return false;
    }

    /** The delay of the slow answer the scenario served the attempt, if it served one. */
    private static Optional<Duration> slowDelay(VerdictCase c, Attempt attempt) {
        return c.scenario().phases().stream().filter(p -> p.name().equals(attempt.exchange().phase())).findFirst()
                .map(Phase::upstream).filter(UpstreamFault.SlowAnswer.class::isInstance)
                .map(f -> ((UpstreamFault.SlowAnswer) f).delay());
    }

}
