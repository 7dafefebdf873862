package dev.chaosgate.verdict.spi;

import dev.chaosgate.verdict.Finding;
import dev.chaosgate.verdict.FindingCode;

import java.util.List;

/**
 * A team's own rule of the verdict (a house judge), judged after the built-in ones on every action.
 * Intended for implementors. Register one on an engine ({@code VerdictEngine.standard().withJudges(myJudge)})
 * or for every verdict of the JVM (the CLI, {@code @ChaosTest}, {@code ChaosGateway.verdict}) by
 * {@link java.util.ServiceLoader}: a file {@code META-INF/services/dev.chaosgate.verdict.spi.Judge} on the
 * class path naming the class, which needs a public no-argument constructor.
 *
 * <pre>{@code
 * public final class RetriesCarryIdempotencyKey implements Judge {
 *     public String name() {
 *         return "retries-carry-idempotency-key";
 *     }
 *
 *     public List<Finding> judge(JudgedAction action) {
 *         List<Attempt> attempts = action.attempts();
 *         if (attempts.size() < 2 || attempts.stream().allMatch(a -> a.exchange().requestHeaders().containsKey("idempotency-key"))) {
 *             return List.of();
 *         }
 *         return List.of(finding("a retry went out without an Idempotency-Key; our API deduplicates on it",
 *                 attempts.get(1).describe()));
 *     }
 * }
 * }</pre>
 *
 * A judge is called once per expectation judged (once per alternative of an {@code anyOf}), from one
 * thread at a time per verdict; it must not keep state between calls. The full example, with imports,
 * is in {@code docs/verdicts.md}.
 */
public interface Judge {
    /** The rule's name, lower-case words joined by dashes ({@code retries-carry-idempotency-key}); it starts each finding's message. */
    String name();

    /** What the client did wrong by this rule in {@code action}; an empty list when it did right. */
    List<Finding> judge(JudgedAction action);

    /** A {@link FindingCode#HOUSE_RULE} finding whose message starts with {@link #name()}. */
    default Finding finding(String message, String... evidence) {
        return Finding.of(FindingCode.HOUSE_RULE, name() + ": " + message, evidence);
    }
}
