package dev.chaosgate.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request the fake upstream received and what it did with it.
 *
 * @param sequence        1 for the first request since the upstream started
 * @param arrived         when the request arrived
 * @param connection      the client's port on its connection to the upstream (the same for requests on one kept-alive connection)
 * @param requestHeaders  header names in lower case, values in order
 * @param fault           the label of the fault served, or null for a normal answer
 * @param status          the status sent (0 when the connection was broken before one)
 * @param responseHeaders header names in lower case
 * @param streamed        whether the answer was an event stream
 * @param duration        from arrival to the last byte written (or the break)
 */
public record UpstreamExchange(long sequence, Instant arrived, int connection, String method, String path,
                               Map<String, List<String>> requestHeaders, String requestBody,
                               String fault, int status, Map<String, String> responseHeaders,
                               boolean streamed, Duration duration) {
}
