package dev.chaosgate.upstream;

import dev.chaosgate.link.LinkEngine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request the fake upstream received and what it did with it. An exchange is in
 * {@link FakeUpstream#exchanges()} from the moment its answer is decided, before the client can
 * have received a byte of it: when a client call returns, however it returns, every attempt it made
 * is there. It is replaced by its {@linkplain #complete() complete} version once the answer has been
 * written (or broken); listeners ({@link FakeUpstream#onExchange}) see only complete exchanges.
 *
 * @param sequence        arrival order: 1 for the first request since the upstream started
 * @param arrived         when the request arrived
 * @param connection      the client's port on its connection to the upstream (the same for requests on one kept-alive connection)
 * @param requestHeaders  header names in lower case, values in order
 * @param fault           the label of the fault served, or null for a normal answer ({@code chaosgate error}
 *                        when the upstream itself failed and answered a JSON 500 of type {@code chaosgate_error})
 * @param status          the status sent (0 when the connection was broken before one)
 * @param responseHeaders header names in lower case
 * @param streamed        whether the answer was an event stream
 * @param duration        from arrival to the last byte written (or the break); while not complete, to when the answer was decided
 * @param complete        whether the answer has been written to its end (or broken)
 * @param phase           the scenario phase the request fell in, or null when no timeline plays
 * @param failureClass    the guidance catalog's class of the failure served (e.g. {@code bad_gateway}), or null for a normal answer;
 *                        for a stalled stream, the class it has if the client does not wait it out (an answer
 *                        {@linkplain #delivered() delivered} in full after a stall is no failure to the verdict)
 * @param prompt          the user's turn of a chat or Responses request, else null: Chat Completions, the text parts of
 *                        the last {@code user} message; Responses, a string {@code input}, or the text of the last
 *                        input item with role {@code user}. Instructions, system and developer messages and earlier
 *                        turns are context, never part of it ("" when the request has no user turn, e.g. a
 *                        Responses tool result sent with {@code previous_response_id})
 * @param clientClosed    whether the client side closed the connection before the answer's end (the app
 *                        went away mid-stream: the user pressed stop, it timed out or crashed; or the link in
 *                        front cut the connection): the answer was not received in full. Set once the write
 *                        to the closed connection failed, or when {@link FakeUpstream#clientClosed} said so; or, after the
 *                        answer was written, when {@link FakeUpstream#undelivered} said the link lost part of it.
 * @param action          where the request stands in the user's action and how its answer ended (see
 *                        {@link ActionStep}); null for a request that is not a generation, or when not recorded
 */
public record UpstreamExchange(long sequence, Instant arrived, int connection, String method, String path,
                               Map<String, List<String>> requestHeaders, String requestBody,
                               String fault, int status, Map<String, String> responseHeaders,
                               boolean streamed, Duration duration, boolean complete, String phase, String failureClass, String prompt,
                               boolean clientClosed, ActionStep action) {

    /**
     * The HTTP version the client spoke: {@code "2"} for a request that came on an HTTP/2 stream (the link in front
     * relays each stream as HTTP/1.1 and names it in {@code x-http2-stream-id}), {@code "1.1"} for another request
     * the upstream read, null when no request head reached it (a request the link alone saw).
     */
    public String httpVersion() {
        if (requestHeaders == null || requestHeaders.isEmpty()) {
            return null;
        }
        for (String name : requestHeaders.keySet()) {
            if (name.equalsIgnoreCase(LinkEngine.HTTP2_STREAM_HEADER)) {
                return "2";
            }
        }
        return "1.1";
    }

    /** An exchange recorded without its {@link ActionStep}. */
    public UpstreamExchange(long sequence, Instant arrived, int connection, String method, String path,
                            Map<String, List<String>> requestHeaders, String requestBody,
                            String fault, int status, Map<String, String> responseHeaders,
                            boolean streamed, Duration duration, boolean complete, String phase, String failureClass,
                            String prompt, boolean clientClosed) {
        this(sequence, arrived, connection, method, path, requestHeaders, requestBody, fault, status, responseHeaders,
                streamed, duration, complete, phase, failureClass, prompt, clientClosed, null);
    }

    /** An exchange whose client stayed until the end of the answer (or that is not finished yet). */
    public UpstreamExchange(long sequence, Instant arrived, int connection, String method, String path,
                            Map<String, List<String>> requestHeaders, String requestBody,
                            String fault, int status, Map<String, String> responseHeaders,
                            boolean streamed, Duration duration, boolean complete, String phase, String failureClass,
                            String prompt) {
        this(sequence, arrived, connection, method, path, requestHeaders, requestBody, fault, status, responseHeaders,
                streamed, duration, complete, phase, failureClass, prompt, false, null);
    }

    /**
     * Where the request stands in the user's action: the recorded {@link #action()}, or for an exchange
     * recorded without one, the first step opened by its {@link #prompt()}, answered when it got a normal answer.
     */
    public ActionStep step() {
        if (action != null) {
            return action;
        }
        return ActionStep.first(prompt, fault == null && status / 100 == 2 ? ActionStep.Ending.ANSWER : null);
    }

    /**
     * Whether the client received the answer in full: the model's whole answer (however late: a slow first
     * byte or a stalled stream still ends), with a 2xx status, written to its end (a stream to its last
     * event, {@code [DONE]} or {@code response.completed}), and neither the client nor the link in front of
     * the upstream cut it short.
     */
    public boolean delivered() {
        return step().ending() != null && complete && !clientClosed && status / 100 == 2;
    }

    /**
     * A request for a model's answer: {@code POST /v1/chat/completions} or {@code POST /v1/responses}, or a
     * generation call of another provider's {@link WireDialect} ({@code POST /v1/messages}).
     */
    public boolean isGeneration() {
        return FakeUpstream.isGenerationCall(method, path);
    }
}
