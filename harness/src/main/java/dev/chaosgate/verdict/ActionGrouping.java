package dev.chaosgate.verdict;

import dev.chaosgate.upstream.ActionStep;
import dev.chaosgate.upstream.UpstreamExchange;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Sorts the requests a client made while the user's action ran into the action's attempts and other
 * calls, from the structure of each request rather than from how much its text looks like the prompt.
 *
 * <ol>
 *   <li>Only generation requests ({@code POST /v1/chat/completions}, {@code /v1/responses}) can be attempts.</li>
 *   <li>The action opens with the first generation request whose user turn is the typed prompt, or holds
 *       its words in order (a template around it, e.g. RAG context), or shares most of its words. A request
 *       like that which got its answer in full before a request carrying the typed prompt exactly is a side
 *       call made before the action (e.g. a moderation prompt), not its opening.</li>
 *   <li>A request that resends another attempt's request (the same {@code Idempotency-Key}, or an SDK's
 *       {@code X-Stainless-Retry-Count} with the very same body) is an attempt.</li>
 *   <li>An answer delivered in full ({@link UpstreamExchange#delivered()}: the whole answer, however slow,
 *       received to its end, not cut by the client or the link) closes the action, unless it called a tool
 *       or was cut at the length limit: then the action goes on with its next step. Once closed, no request
 *       is an attempt any more: a title, summary or follow-up call is another call, whatever it quotes.</li>
 *   <li>While the action is open, a request that is a next step of it ({@link ActionStep#step()} &ge; 2: it
 *       carries the action's conversation plus the model's tool calls and their results, or continues an
 *       answer cut at the length limit) whose opening turn is the action's is an attempt; so is a first-step
 *       request whose user turn is the typed prompt or the action's first user turn (a retry).</li>
 *   <li>A first-step request whose user turn only resembles the prompt (holds its words in order, or
 *       shares most of its words; similarity is on whole words, never on character substrings) is a
 *       rewritten retry when it comes after the previous attempt failed or was not received (its answer
 *       ended, or the client left it); one sent while the previous attempt was still being answered is
 *       another call (a title or moderation call running alongside).</li>
 * </ol>
 */
final class ActionGrouping {
    /** Share of the words of both texts that both hold, for a retry rewritten in other words. */
    private static final double SIMILAR_WORDS = 0.6;

    private ActionGrouping() {
    }

    static void group(List<UpstreamExchange> exchanges, String typed, List<UpstreamExchange> related,
                      List<UpstreamExchange> others) {
        int firstExact = -1;
        for (int i = 0; i < exchanges.size(); i++) {
            UpstreamExchange exchange = exchanges.get(i);
            if (exchange.isGeneration() && exchange.step().step() == 1 && same(exchange.prompt(), typed)) {
                firstExact = i;
                break;
            }
        }
        Set<String> keys = new HashSet<>();
        Set<String> bodies = new HashSet<>();
        String firstTurn = null;
        boolean closed = false;
        for (int i = 0; i < exchanges.size(); i++) {
            UpstreamExchange exchange = exchanges.get(i);
            boolean attempt;
            if (!exchange.isGeneration()) {
                attempt = false;
            } else if (related.isEmpty()) {
                attempt = opens(exchange, typed) && (firstExact < 0 || i >= firstExact || !exchange.delivered());
            } else if (resent(exchange, keys, bodies)) {
                attempt = true;
            } else if (closed) {
                attempt = false;
            } else {
                attempt = carriesOn(exchange, typed, firstTurn, related.get(related.size() - 1));
            }
            if (!attempt) {
                others.add(exchange);
                continue;
            }
            if (related.isEmpty()) {
                firstTurn = exchange.prompt();
            }
            related.add(exchange);
            String key = header(exchange, "idempotency-key");
            if (key != null) {
                keys.add(key);
            }
            if (exchange.requestBody() != null) {
                bodies.add(exchange.requestBody());
            }
            closed = exchange.delivered() && !exchange.step().continues();
        }
    }

    /** The action's first call: the typed prompt, a template around it, or a close rewording. */
    private static boolean opens(UpstreamExchange exchange, String typed) {
        return exchange.step().step() == 1 && (same(exchange.prompt(), typed) || resembles(exchange.prompt(), typed));
    }

    /** An SDK or idempotent resend of a request already counted. */
    private static boolean resent(UpstreamExchange exchange, Set<String> keys, Set<String> bodies) {
        String key = header(exchange, "idempotency-key");
        String retryCount = header(exchange, "x-stainless-retry-count");
        return (key != null && keys.contains(key))
                || (retryCount != null && !retryCount.equals("0") && exchange.requestBody() != null
                && bodies.contains(exchange.requestBody()));
    }

    /** A next step of the open action, or a retry of one of its steps. */
    private static boolean carriesOn(UpstreamExchange exchange, String typed, String firstTurn, UpstreamExchange previous) {
        ActionStep step = exchange.step();
        if (step.step() >= 2) {
            return same(step.openingTurn(), typed) || same(step.openingTurn(), firstTurn)
                    || same(step.openingTurn(), previous.step().openingTurn());
        }
        if (same(exchange.prompt(), typed) || same(exchange.prompt(), firstTurn)) {
            return true;
        }
        // Over for the client once answered, broken, or left by it (a timeout on a slow answer).
        boolean previousEnded = previous.clientClosed()
                || !exchange.arrived().isBefore(previous.arrived().plus(previous.duration()));
        boolean previousFailed = !previous.delivered();
        return previousEnded && previousFailed && resembles(exchange.prompt(), typed);
    }

    /** The same text, but for case and runs of white space. */
    static boolean same(String a, String b) {
        return a != null && b != null && normalize(a).equals(normalize(b));
    }

    /** Holds the typed prompt's words in order, or shares most of the words of both. */
    static boolean resembles(String sent, String typed) {
        List<String> a = words(sent);
        List<String> b = words(typed);
        if (a.isEmpty() || b.isEmpty()) {
            return false;
        }
        if (Collections.indexOfSubList(a, b) >= 0) {
            return true;
        }
        Set<String> both = new HashSet<>(a);
        both.retainAll(new HashSet<>(b));
        Set<String> either = new HashSet<>(a);
        either.addAll(b);
        return both.size() >= SIMILAR_WORDS * either.size();
    }

    static String normalize(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /** The words of a text, lower case, in order: letters and digits of any script; everything else separates. */
    static List<String> words(String text) {
        String normal = normalize(text);
        List<String> words = new ArrayList<>();
        for (String word : normal.split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    private static String header(UpstreamExchange exchange, String name) {
        List<String> values = exchange.requestHeaders().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
