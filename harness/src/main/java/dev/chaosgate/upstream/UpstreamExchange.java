package dev.chaosgate.upstream;

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
 * @param failureClass    the guidance catalog's class of the failure served (e.g. {@code bad_gateway}), or null for a normal answer
 * @param prompt          the user prompt of a chat or Responses request (last user message, or the input), else null
 * @param clientClosed    whether the client side closed the connection before the answer's end (the app
 *                        went away mid-stream: the user pressed stop, it timed out or crashed; or the link in
 *                        front cut the connection): the answer was not received in full. Set once the write
 *                        to the closed connection failed, or when {@link FakeUpstream#clientClosed} said so.
 */
public record UpstreamExchange(long sequence, Instant arrived, int connection, String method, String path,
                               Map<String, List<String>> requestHeaders, String requestBody,
                               String fault, int status, Map<String, String> responseHeaders,
                               boolean streamed, Duration duration, boolean complete, String phase, String failureClass, String prompt,
                               boolean clientClosed) {

    /** An exchange whose client stayed until the end of the answer (or that is not finished yet). */
    public UpstreamExchange(long sequence, Instant arrived, int connection, String method, String path,
                            Map<String, List<String>> requestHeaders, String requestBody,
                            String fault, int status, Map<String, String> responseHeaders,
                            boolean streamed, Duration duration, boolean complete, String phase, String failureClass,
                            String prompt) {
        this(sequence, arrived, connection, method, path, requestHeaders, requestBody, fault, status, responseHeaders,
                streamed, duration, complete, phase, failureClass, prompt, false);
    }

    /** A request for a model's answer: {@code POST /v1/chat/completions} or {@code POST /v1/responses}. */
    public boolean isGeneration() {
        return method.equals("POST") && (path.startsWith("/v1/chat/completions") || path.startsWith("/v1/responses"));
    }
}
