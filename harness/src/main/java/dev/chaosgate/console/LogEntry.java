package dev.chaosgate.console;

/**
 * One request in the console's live log: what the app asked and what the gateway answered.
 *
 * @param sequence     the log's own order, 1 for the first entry of the session ({@code log?after=} counts these)
 * @param request      the upstream's sequence number of the request (as in the journal)
 * @param time         arrival, ISO-8601
 * @param status       the status sent, 0 when the connection was broken before one
 * @param fault        the label of the fault served, or {@code answered}
 * @param faulted      whether a fault was served
 * @param failureClass the guidance catalog's class of the failure (e.g. {@code bad_gateway}), or null
 * @param phase        the scenario phase in force, or null
 * @param source       why this answer: {@code scenario}, {@code injected} (fail-next), {@code paused} or {@code replay}
 * @param prompt       the start of the user prompt of a generation request, or null
 * @param durationMs   from arrival to the last byte written (or the break)
 * @param clientClosed whether the app closed the connection before the end of the answer (it went away mid-stream)
 * @param faultName    the fault in plain words ({@code 429 rate limit (requests)}), or {@code answered} ({@code answered by
 *                     the real API} in live mode, {@code answered as the real API did (recorded)} in its replay);
 *                     {@code fault} keeps the fixture id
 * @param user         whose request it is, by the rule the crowd's verdict tells users apart with
 *                     ({@link dev.chaosgate.verdict.UserAttribution}: the {@code X-Chaosgate-User} header, else the
 *                     body's {@code user} or {@code safety_identifier}, else a connection only that user's requests
 *                     used); null when nothing tells
 */
public record LogEntry(long sequence, long request, String time, String method, String path, int status, String fault,
                       boolean faulted, String failureClass, String phase, String source, String prompt,
                       long durationMs, boolean streamed, boolean clientClosed, String faultName,
                       String user) {
}
