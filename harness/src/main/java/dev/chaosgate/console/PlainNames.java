package dev.chaosgate.console;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fault labels in the words a QA person uses: {@code 429 openai/429-rate-limit-requests (injected)} becomes
 * {@code 429 rate limit (requests)}. The console shows these and keeps the fixture id for a hover title; where
 * the answer came from (injected, scenario, …) has a column of its own.
 */
final class PlainNames {
    /** The built-in fixtures of fault answers, without their status (it leads the label). */
    private static final Map<String, String> FIXTURES = Map.ofEntries(
            Map.entry("cloudflare/502-branded", "bad gateway (Cloudflare page)"),
            Map.entry("cloudflare/504-branded", "gateway timeout (Cloudflare page)"),
            Map.entry("cloudflare/502-unbranded", "bad gateway (plain Cloudflare page)"),
            Map.entry("cloudflare/502-json", "bad gateway (Cloudflare JSON)"),
            Map.entry("cloudflare/503-json", "service unavailable (Cloudflare JSON)"),
            Map.entry("cloudflare/520-unknown-error", "unknown error (Cloudflare)"),
            Map.entry("cloudflare/521-web-server-down", "web server down (Cloudflare)"),
            Map.entry("cloudflare/522-connection-timed-out", "connection timed out (Cloudflare)"),
            Map.entry("cloudflare/523-origin-unreachable", "origin unreachable (Cloudflare)"),
            Map.entry("cloudflare/524-timeout", "origin timeout (Cloudflare)"),
            Map.entry("cloudflare/1020-access-denied", "access denied, error 1020 (Cloudflare)"),
            Map.entry("cloudflare/1020-access-denied-plain", "access denied, error 1020 (plain Cloudflare page)"),
            Map.entry("cloudflare/1015-rate-limited", "rate limited, error 1015 (Cloudflare)"),
            Map.entry("nginx/502", "bad gateway (nginx)"),
            Map.entry("nginx/503", "service unavailable (nginx)"),
            Map.entry("nginx/504", "gateway timeout (nginx)"),
            Map.entry("openai/500-server-error", "server error"),
            Map.entry("openai/503-overloaded", "overloaded"),
            Map.entry("openai/429-rate-limit-requests", "rate limit (requests)"),
            Map.entry("openai/429-rate-limit-tokens", "rate limit (tokens)"),
            Map.entry("openai/429-slow-down", "slow down"),
            Map.entry("openai/429-insufficient-quota", "quota used up"),
            Map.entry("openai/429-credit-balance-exhausted", "credit balance used up"),
            Map.entry("openai/429-request-too-large", "request too large"),
            Map.entry("openai/400-invalid-request", "invalid request"),
            Map.entry("openai/401-invalid-api-key", "invalid API key"),
            Map.entry("openai/403-unsupported-region", "unsupported region"),
            Map.entry("openai/404-model-not-found", "model not found"));
    private static final Map<String, String> CONNECTION = Map.of(
            "connection reset", "connection reset",
            "connection empty_response", "connection closed without an answer",
            "connection malformed_chunk", "broken chunked answer",
            "connection random_data", "garbage bytes, then closed");
    /** A label that is a status alone (a scenario's bare {@code status: 502}) reads with its reason phrase. */
    private static final Map<String, String> STATUS = Map.ofEntries(
            Map.entry("400", "bad request"), Map.entry("401", "unauthorized"), Map.entry("403", "forbidden"),
            Map.entry("404", "not found"), Map.entry("408", "request timeout"), Map.entry("409", "conflict"),
            Map.entry("413", "request too large"), Map.entry("429", "too many requests"),
            Map.entry("500", "server error"), Map.entry("502", "bad gateway"), Map.entry("503", "service unavailable"),
            Map.entry("504", "gateway timeout"), Map.entry("520", "unknown error"), Map.entry("521", "web server down"),
            Map.entry("522", "connection timed out"), Map.entry("523", "origin unreachable"), Map.entry("524", "origin timeout"));
    /** A fixture id as labels and evidence write it: {@code vendor/name}, not inside a URL or path. */
    private static final Pattern FIXTURE_ID = Pattern.compile("(?<![\\w./-])(?:cloudflare|nginx|openai)/[a-z0-9][a-z0-9-]*");
    private static final String INJECTED = " (injected)";

    private PlainNames() {
    }

    /** The plain name of a fault label ({@code answered} and null stay as they are). */
    static String fault(String label) {
        if (label == null) {
            return null;
        }
        String plain = label.endsWith(INJECTED) ? label.substring(0, label.length() - INJECTED.length()) : label;
        String connection = CONNECTION.get(plain);
        if (connection != null) {
            return connection;
        }
        String reason = STATUS.get(plain);
        if (reason != null) {
            return plain + " " + reason;
        }
        if (plain.startsWith("stream ")) {
            return plain.replace('_', ' ').replace("text deltas", "pieces of text").replace("text delta", "piece of text");
        }
        return inText(plain);
    }

    /** {@code text} with every fixture id in it replaced by its plain name. */
    static String inText(String text) {
        if (text == null) {
            return null;
        }
        Matcher ids = FIXTURE_ID.matcher(text);
        StringBuilder out = new StringBuilder();
        while (ids.find()) {
            ids.appendReplacement(out, Matcher.quoteReplacement(fixture(ids.group())));
        }
        ids.appendTail(out);
        return out.toString();
    }

    /** A failure class in words: {@code bad_gateway} becomes {@code bad gateway}. */
    static String failureClass(String failureClass) {
        return failureClass == null ? null : failureClass.replace('_', ' ');
    }

    /** A known fixture's plain name; another's is made from its id ({@code openai/418-teapot}: {@code teapot}). */
    private static String fixture(String id) {
        String known = FIXTURES.get(id);
        if (known != null) {
            return known;
        }
        String name = id.substring(id.indexOf('/') + 1).replaceFirst("^\\d+-?", "");
        return (name.isEmpty() ? id : name.replace('-', ' ')).toLowerCase(Locale.ROOT);
    }
}
