package dev.chaosgate.verdict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.upstream.UpstreamExchange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whose request: the one rule that tells the users of a crowd apart, used by the crowd's verdict and by the QA
 * console's per-user lanes. In this order: the user marker the request carries (the {@value #HEADER} header, else
 * the OpenAI body field {@code user}, else {@code safety_identifier}); else the connection, once a request of one
 * user (and of no other) used it, as one process per user keeps its own connections; else, when the users' typed
 * prompts are known, the user's turn that is the prompt of exactly one user (or resembles exactly one). A request
 * none of these tells apart is nobody's.
 *
 * <p>Each request is decided once, the first time it is asked about, and remembered: the connection rule depends on
 * the requests decided before it, so ask in arrival order. Thread-safe; the lock is held for one request at a time,
 * so a long {@link #headsByUser} does not hold up requests being decided meanwhile.
 *
 * <pre>{@code
 * UserAttribution users = UserAttribution.anyMarkedUser();
 * for (UpstreamExchange exchange : gateway.exchanges()) {
 *     users.userOf(exchange).ifPresent(user -> System.out.println(exchange.sequence() + " " + user));
 * }
 * }</pre>
 */
public final class UserAttribution {
    /** The header that names the user of a request (its value is {@code CHAOSGATE_USER}). */
    public static final String HEADER = "X-Chaosgate-User";
    /** Requests whose user is remembered; beyond this the oldest are forgotten (the journal is bounded too). */
    private static final int REMEMBERED = 100_000;
    private static final String NOBODY = "";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The users known beforehand with the prompt each typed, or null when any user a marker names counts. */
    private final Map<String, ClientReport> reports;
    private final Map<Integer, String> connectionUser = new HashMap<>();
    private final Set<Integer> shared = new HashSet<>();
    private final Map<Long, String> sequenceUser = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > REMEMBERED;
        }
    };

    private UserAttribution(Map<String, ClientReport> reports) {
        this.reports = reports;
    }

    /**
     * For users not known beforehand (a QA session): any user a marker names is one; the prompt rules are not used,
     * as no user's typed prompt is known.
     */
    public static UserAttribution anyMarkedUser() {
        return new UserAttribution(null);
    }

    /** For a crowd whose users are known, with what each typed: a marker naming anyone else makes a request nobody's. */
    static UserAttribution of(Map<String, ClientReport> reports) {
        return new UserAttribution(Map.copyOf(reports));
    }

    /** The user of {@code exchange}, empty when nothing tells; decided once per request and remembered. */
    public synchronized Optional<String> userOf(UpstreamExchange exchange) {
        String known = sequenceUser.get(exchange.sequence());
        if (known == null) {
            String user = decide(exchange);
            known = user == null ? NOBODY : user;
            sequenceUser.put(exchange.sequence(), known);
            if (user != null && exchange.connection() > 0) {
                String before = connectionUser.put(exchange.connection(), user);
                if (before != null && !before.equals(user)) {
                    shared.add(exchange.connection());
                }
            }
        }
        return known.equals(NOBODY) ? Optional.empty() : Optional.of(known);
    }

    /**
     * The link's request heads per user: the user of the upstream request each head was sent as (the oldest head
     * first, each paired with the earliest request not yet paired that it can be), else the user of its connection.
     * Heads no user is told for are left out.
     */
    public Map<String, List<LinkRequest>> headsByUser(List<UpstreamExchange> exchanges, List<LinkRequest> linkRequests) {
        List<LinkRequest> heads = new ArrayList<>(linkRequests);
        heads.sort(Comparator.comparing(LinkRequest::at));
        List<UpstreamExchange> byArrival = new ArrayList<>(exchanges);
        byArrival.sort(Comparator.comparing(UpstreamExchange::arrived));
        Set<Long> taken = new HashSet<>();
        Map<String, List<LinkRequest>> out = new HashMap<>();
        for (LinkRequest head : heads) {
            String user = null;
            for (UpstreamExchange exchange : byArrival) {
                if (!taken.contains(exchange.sequence()) && LinkAttempts.sameRequest(head, exchange)) {
                    taken.add(exchange.sequence());
                    user = userOf(exchange).orElse(null);
                    break;
                }
            }
            if (user == null) {
                user = connectionOwner(head.upstreamPort());
            }
            if (user != null) {
                out.computeIfAbsent(user, u -> new ArrayList<>()).add(head);
            }
        }
        return out;
    }

    /** The one user whose requests used this connection, or null (none, or several). */
    private synchronized String connectionOwner(int connection) {
        return shared.contains(connection) ? null : connectionUser.get(connection);
    }

    private String decide(UpstreamExchange exchange) {
        String marker = marker(exchange).orElse(null);
        if (marker != null) {
            return reports == null || reports.containsKey(marker) ? marker : null;
        }
        Map<String, ClientReport> typed = reports == null ? Map.of() : reports;
        String turn = !exchange.isGeneration() ? null : exchange.step().step() >= 2 ? exchange.step().openingTurn() : exchange.prompt();
        List<String> same = turn == null ? List.of() : typed.entrySet().stream()
                .filter(r -> ActionGrouping.same(r.getValue().prompt(), turn)).map(Map.Entry::getKey).toList();
        if (same.size() == 1) {
            return same.get(0);
        }
        String byConnection = connectionUser.get(exchange.connection());
        if (byConnection != null && !shared.contains(exchange.connection())
                && (same.isEmpty() || same.contains(byConnection))) {
            return byConnection;
        }
        if (same.isEmpty() && turn != null) {
            List<String> alike = typed.entrySet().stream().filter(r -> ActionGrouping.resembles(turn, r.getValue().prompt()))
                    .map(Map.Entry::getKey).toList();
            if (alike.size() == 1) {
                return alike.get(0);
            }
        }
        return null;
    }

    /**
     * The user the request names itself: the {@value #HEADER} header, else the JSON body's {@code user}, else its
     * {@code safety_identifier}; empty when it names none.
     */
    public static Optional<String> marker(UpstreamExchange exchange) {
        // The journal keeps header names in lower case.
        List<String> header = exchange.requestHeaders().get("x-chaosgate-user");
        if (header != null && !header.isEmpty() && !header.get(0).isBlank()) {
            return Optional.of(header.get(0).strip());
        }
        String body = exchange.requestBody();
        if (body == null || body.isBlank() || !body.strip().startsWith("{")) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(body);
            for (String field : List.of("user", "safety_identifier")) {
                JsonNode value = json == null ? null : json.get(field);
                if (value != null && value.isTextual() && !value.asText().isBlank()) {
                    return Optional.of(value.asText().strip());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
