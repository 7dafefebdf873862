package dev.chaosgate.verdict.clients;

import dev.chaosgate.verdict.ClientReport;

/**
 * A chat client used to prove the verdict judges: it performs one user action against an
 * OpenAI-compatible base URL and reports what a chat UI would have shown.
 *
 * <p>Contract of {@link #ask}:
 * <ul>
 *   <li>it sends {@code prompt} as the single user message of {@code POST {baseUrl}/chat/completions}
 *       (model {@code gpt-4o-mini}), streamed when {@code stream} is true, and retries per its policy;</li>
 *   <li>{@link ClientReport#shown()} holds, in order, the answer text if one arrived (also a partial,
 *       interrupted one) and the banner message if the action failed;</li>
 *   <li>{@link ClientReport#draft()} is the composer at the end: cleared ({@code ""}) after a complete
 *       answer, since the message was sent; the prompt itself after a failure, so the user can resend it
 *       (a flawed client may differ, that being its bug).</li>
 * </ul>
 * One action is synchronous: when {@code ask} returns, every attempt it made has reached the gateway.
 */
public interface ReferenceClient {

    /** A short stable name for reports and the detection matrix, e.g. {@code well-behaved}. */
    String name();

    /** One user action: send {@code prompt}, retry per policy, report what the UI shows. */
    ClientReport ask(String baseUrl, String prompt, boolean stream);
}
