package dev.chaosgate.verdict;

import dev.chaosgate.upstream.UpstreamExchange;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the journal a verdict judges: {@link UpstreamExchange} records at given times, without a server.
 *
 * <pre>{@code
 * List<UpstreamExchange> journal = new Exchanges("Explain TCP")
 *         .first().failing(502, "bad_gateway").phase("burst").add()
 *         .after(150).ok().add()
 *         .list();
 * }</pre>
 *
 * {@link #first()} starts at offset 0, {@link #at(long)} at an offset from the start, and {@link #after(long)}
 * a gap after the end (arrival plus duration) of the previous exchange: the gap the judges measure.
 */
final class Exchanges {
    static final Instant START = Instant.parse("2025-03-01T12:00:00Z");

    private final String prompt;
    private final List<UpstreamExchange> exchanges = new ArrayList<>();

    Exchanges(String prompt) {
        this.prompt = prompt;
    }

    Builder first() {
        return at(0);
    }

    Builder at(long millis) {
        return new Builder(START.plusMillis(millis));
    }

    Builder after(long gapMillis) {
        UpstreamExchange previous = exchanges.get(exchanges.size() - 1);
        return new Builder(previous.arrived().plus(previous.duration()).plusMillis(gapMillis));
    }

    List<UpstreamExchange> list() {
        return List.copyOf(exchanges);
    }

    /** One exchange being described; {@link #add()} appends it to the journal. */
    final class Builder {
        private final Instant arrived;
        private String method = "POST";
        private String path = "/v1/chat/completions";
        private final Map<String, List<String>> requestHeaders = new LinkedHashMap<>();
        private String body;
        private String fault;
        private int status = 200;
        private final Map<String, String> responseHeaders = new LinkedHashMap<>();
        private boolean streamed;
        private Duration duration = Duration.ofMillis(20);
        private boolean complete = true;
        private String phase;
        private String failureClass;
        private String sentPrompt = prompt;
        private boolean clientClosed;
        private dev.chaosgate.upstream.ActionStep action;

        private Builder(Instant arrived) {
            this.arrived = arrived;
        }

        /** A normal answer (the default). */
        Builder ok() {
            fault = null;
            failureClass = null;
            status = 200;
            return this;
        }

        /** A fault of {@code failureClass} served with {@code status}, labelled like the upstream labels its fixture. */
        Builder failing(int status, String failureClass) {
            String fixture = switch (failureClass) {
                case "bad_gateway" -> "cloudflare/502-branded";
                case "unavailable" -> "openai/503-overloaded";
                case "access_denied" -> "cloudflare/1020-access-denied";
                case "quota_exhausted" -> "openai/429-insufficient-quota";
                case "request_too_large" -> "openai/429-request-too-large";
                case "rate_limited" -> "openai/429-rate-limit-requests";
                case "connection_failure" -> null;
                default -> "";
            };
            return failing(status, failureClass, fixture == null ? "connection reset" : (status + " " + fixture).strip());
        }

        Builder failing(int status, String failureClass, String faultLabel) {
            this.status = status;
            this.failureClass = failureClass;
            this.fault = faultLabel;
            return this;
        }

        /** A stream cut after some events: status 200, streamed, class {@code stream_interrupted}. */
        Builder streamCut() {
            streamed = true;
            return failing(200, "stream_interrupted", "stream cut after 3 events");
        }

        /** A stream that broke before any text: status 200, streamed, the class of the failure it met. */
        Builder streamBrokeBeforeText(String failureClass, String faultLabel) {
            streamed = true;
            return failing(200, failureClass, faultLabel);
        }

        Builder took(long millis) {
            duration = Duration.ofMillis(millis);
            return this;
        }

        Builder incomplete() {
            complete = false;
            return this;
        }

        /** The answer did not reach the client in full: the client closed early, or the link held or dropped part of it. */
        Builder notReceived() {
            clientClosed = true;
            return this;
        }

        /** Step {@code step} of the action opened by {@code openingTurn}, its answer ending as {@code ending} (null: no normal answer). */
        Builder step(int step, String openingTurn, dev.chaosgate.upstream.ActionStep.Ending ending) {
            action = new dev.chaosgate.upstream.ActionStep(step, openingTurn, ending);
            return this;
        }

        Builder phase(String name) {
            phase = name;
            return this;
        }

        Builder prompt(String value) {
            sentPrompt = value;
            return this;
        }

        Builder responseHeader(String name, String value) {
            responseHeaders.put(name, value);
            return this;
        }

        Builder requestHeader(String name, String value) {
            requestHeaders.put(name, List.of(value));
            return this;
        }

        Builder get(String getPath) {
            method = "GET";
            path = getPath;
            sentPrompt = null;
            return this;
        }

        Builder body(String value) {
            body = value;
            return this;
        }

        Exchanges add() {
            String requestBody = body != null ? body : sentPrompt == null ? null
                    : "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + sentPrompt.replace("\"", "\\\"") + "\"}]}";
            exchanges.add(new UpstreamExchange(exchanges.size() + 1, arrived, 50000 + exchanges.size(), method, path,
                    Map.copyOf(requestHeaders), requestBody, fault, status, Map.copyOf(responseHeaders), streamed,
                    duration, complete, phase, failureClass, sentPrompt, clientClosed, action));
            return Exchanges.this;
        }
    }
}
