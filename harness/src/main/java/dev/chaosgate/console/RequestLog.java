package dev.chaosgate.console;

import dev.chaosgate.upstream.FaultDecision;
import dev.chaosgate.upstream.UpstreamExchange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The console's live log: the last {@code capacity} finished requests, oldest first. The source of
 * each answer (scenario, injected, paused, replay) comes from the upstream's decision, heard before
 * the request finishes. Thread-safe.
 */
final class RequestLog {
    private static final int PROMPT_EXCERPT = 80;
    /** Decisions whose request has not finished yet; bounded in case a request never finishes. */
    private static final int PENDING_SOURCES = 10_000;

    private final int capacity;
    private final ArrayDeque<LogEntry> entries = new ArrayDeque<>();
    private final Map<Long, FaultDecision.Source> sources = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, FaultDecision.Source> eldest) {
            return size() > PENDING_SOURCES;
        }
    };
    /** Requests the real API answered (live mode), until they are logged; bounded like the sources. */
    private final Map<Long, Boolean> live = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > PENDING_SOURCES;
        }
    };
    private long last;

    RequestLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    synchronized void decided(FaultDecision decision) {
        sources.put(decision.sequence(), decision.source());
    }

    /** The request of {@code sequence} got the real API's answer (live mode), or its recorded one in a replay. */
    synchronized void answeredLive(long sequence) {
        live.put(sequence, Boolean.TRUE);
    }

    /**
     * Logs a finished request of {@code user} (null: nobody told) and returns its entry; unfinished versions are left
     * for their finished one (null).
     */
    synchronized LogEntry finished(UpstreamExchange exchange, String user) {
        if (!exchange.complete()) {
            return null;
        }
        FaultDecision.Source source = sources.remove(exchange.sequence());
        LogEntry entry = entry(++last, exchange, source == null ? FaultDecision.Source.SCENARIO : source, user,
                live.remove(exchange.sequence()) != null);
        entries.addLast(entry);
        while (entries.size() > capacity) {
            entries.removeFirst();
        }
        return entry;
    }

    /** Entries logged after log sequence {@code after}, oldest first (all kept ones for 0). */
    synchronized List<LogEntry> after(long after) {
        List<LogEntry> newer = new ArrayList<>();
        for (LogEntry entry : entries) {
            if (entry.sequence() > after) {
                newer.add(entry);
            }
        }
        return newer;
    }

    /** The log sequence of the newest entry, 0 before the first. */
    synchronized long last() {
        return last;
    }

    private static LogEntry entry(long sequence, UpstreamExchange e, FaultDecision.Source source, String user, boolean real) {
        String answered = !real ? "answered" : source == FaultDecision.Source.REPLAY ? "answered as the real API did (recorded)"
                : "answered by the real API";
        return new LogEntry(sequence, e.sequence(), e.arrived().toString(), e.method(), e.path(), e.status(),
                e.fault() == null ? "answered" : e.fault(), e.fault() != null,
                e.delivered() ? null : e.failureClass(), e.phase(),
                source.name().toLowerCase(Locale.ROOT), excerpt(e.prompt()),
                e.duration() == null ? 0 : e.duration().toMillis(), e.streamed(), e.clientClosed(),
                e.fault() == null ? answered : PlainNames.fault(e.fault()), user);
    }

    private static String excerpt(String prompt) {
        if (prompt == null) {
            return null;
        }
        String oneLine = prompt.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= PROMPT_EXCERPT ? oneLine : oneLine.substring(0, PROMPT_EXCERPT - 1) + "…";
    }
}
