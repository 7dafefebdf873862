package dev.chaosgate.verdict.spi;

import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.Finding;

import java.util.ArrayList;
import java.util.List;

/**
 * A house rule: every attempt of an action that was retried carries the same Idempotency-Key, so the API
 * can drop a duplicate when the first attempt did reach it.
 */
public final class RetriesCarryIdempotencyKey implements Judge {
    @Override
    public String name() {
        return "retries-carry-idempotency-key";
    }

    @Override
    public List<Finding> judge(JudgedAction action) {
        List<Attempt> attempts = action.attempts();
        if (attempts.size() < 2) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (Attempt attempt : attempts) {
            List<String> values = attempt.exchange().requestHeaders().getOrDefault("idempotency-key", List.of());
            keys.add(values.isEmpty() ? null : values.get(0));
        }
        if (keys.get(0) != null && keys.stream().allMatch(keys.get(0)::equals)) {
            return List.of();
        }
        return List.of(finding("the " + attempts.size() + " attempts did not all carry one Idempotency-Key (" + keys
                        + "); our API deduplicates retries on it",
                attempts.get(0).describe(), attempts.get(1).describe()));
    }
}
