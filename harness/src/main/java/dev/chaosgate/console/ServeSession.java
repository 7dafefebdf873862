package dev.chaosgate.console;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.gateway.ChaosGatewayBuilder;
import dev.chaosgate.journal.Journal;
import dev.chaosgate.link.LinkException;
import dev.chaosgate.link.tls.CertificateAuthority;
import dev.chaosgate.scenario.Phase;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.FaultDecision;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import dev.chaosgate.upstream.UpstreamFault;
import dev.chaosgate.upstream.live.LiveAnswer;
import dev.chaosgate.upstream.live.LiveUpstream;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.Finding;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.LinkRequest;
import dev.chaosgate.verdict.UserAttribution;
import dev.chaosgate.verdict.Verdict;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A QA session of {@code chaosgate serve}: one {@link ChaosGateway} kept up for a real app on a
 * fixed address, steered by hand (switch scenario, fail the next requests, pause, reset), with a
 * live request log, a running verdict and a recording of every fault decision. The console page
 * and its admin API ({@link ConsoleServer}) are a thin layer over these operations.
 *
 * <pre>{@code
 * try (ServeSession session = ServeSession.builder().scenario("bad-gateway-burst").listen("127.0.0.1", 8787)
 *         .recordTo(Path.of("chaosgate-recording.json")).start()) {
 *     session.failNext(2, "rate-limited");
 *     // the app talks to session.baseUrl()
 *     session.verdict();
 * }
 * }</pre>
 *
 * <p>Thread-safe: the steering operations are serialised; the log and verdict can be read at any time.
 */
public final class ServeSession implements AutoCloseable {
    /** How many requests the live log keeps. */
    public static final int LOG_CAPACITY = 1_000;
    /** The most requests one fail-next may cover. */
    public static final int MAX_FAIL_NEXT = 1_000;
    /** Findings that rest on what the app showed; without a UI report they are not judged. Read-only: every session reads it. */
    static final Set<FindingCode> UI_CODES = Collections.unmodifiableSet(EnumSet.of(FindingCode.PROMPT_LOST,
            FindingCode.NO_GUIDANCE, FindingCode.WRONG_GUIDANCE, FindingCode.RAW_ERROR_SHOWN, FindingCode.TRUNCATION_UNDETECTED));

    private final ChaosGateway gateway;
    private final ScenarioCatalog catalog;
    /**
     * The session's seed (serve --seed): it seeds the gateway (link toxics, fixture values) for every scenario
     * played; each scenario's own seed keeps deciding its fault schedule.
     */
    private final Long seedOverride;
    /** The segments replayed, in order, or null when the session does not replay. */
    private final List<Recording> replaySegments;
    /** The segment being replayed, or null. */
    private volatile Recording replayed;
    /** Its index in {@link #replaySegments}. */
    private volatile int replayIndex;
    private final RecordingFile recordingFile;
    private final RequestLog log = new RequestLog(LOG_CAPACITY);
    /** Whose each request is, by the crowd verdict's rule; for the whole session, as connections outlive a reset. */
    private final UserAttribution users = UserAttribution.anyMarkedUser();
    private final ConsoleMetrics metrics;
    private final Object steering = new Object();
    /** What fail-next queued since the last switch or reset, oldest first (the gateway serves them in this order). */
    private final List<Queued> queued = new ArrayList<>();

    private volatile boolean replaying;
    private volatile String lastReplayedPhase;
    private volatile UiReport uiReport;
    /** The verdict judges requests after this upstream sequence; the log greys out entries up to {@link #verdictFromLog}. */
    private volatile long verdictFromRequest;
    private volatile long verdictFromLog;
    private volatile String consoleUrl;
    private volatile boolean closed;

    private ServeSession(ChaosGateway gateway, ScenarioCatalog catalog, Long seedOverride, List<Recording> replaySegments,
                         RecordingFile recordingFile) {
        this.gateway = gateway;
        this.catalog = catalog;
        this.seedOverride = seedOverride;
        this.replaySegments = replaySegments;
        this.replayed = replaySegments == null ? null : replaySegments.get(0);
        this.recordingFile = recordingFile;
        this.metrics = new ConsoleMetrics(gateway.link());
    }

    /** The console's {@code GET /metrics}: requests by fault, failure class, phase and source, and the link's bytes. */
    byte[] metrics() {
        return metrics.scrape();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The app's OpenAI base URL, e.g. {@code http://127.0.0.1:8787/v1}. */
    public String baseUrl() {
        return gateway.baseUrl();
    }

    /**
     * The certificate authority the app must trust when the session serves HTTPS, or null for plain HTTP.
     */
    public CertificateAuthority certificateAuthority() {
        return gateway.https() ? gateway.certificateAuthority() : null;
    }

    /** The recording file, or null when the session does not record. */
    public Path recordingPath() {
        return recordingFile == null ? null : recordingFile.path();
    }

    /**
     * Why the recording file cannot be written right now (e.g. a full disk), or null when the last
     * write worked or the session does not record. The run is kept in memory meanwhile.
     */
    public String recordingProblem() {
        return recordingFile == null ? null : recordingFile.problem();
    }

    /** The segment of the recording being made (since the last switch or reset), or null when the session does not record. */
    public Recording recording() {
        return recordingFile == null ? null : recordingFile.current();
    }

    /** Every segment recorded so far (one per start, reset and switch), the one being made last; empty when not recording. */
    public List<Recording> recordedSegments() {
        return recordingFile == null ? List.of() : recordingFile.segments();
    }

    /** Decisions recorded in every segment so far; 0 when not recording. */
    public int recordedDecisions() {
        return recordingFile == null ? 0 : recordingFile.decisionCount();
    }

    public ScenarioCatalog catalog() {
        return catalog;
    }

    public SessionState state() {
        // Under the steering lock: a switch between reading the scenario and its phase would mix two scenarios.
        synchronized (steering) {
            return snapshot();
        }
    }

    private SessionState snapshot() {
        Scenario scenario = gateway.scenario();
        Map<String, String> faultDescriptions = new LinkedHashMap<>();
        for (ConsoleFault fault : ConsoleFault.values()) {
            faultDescriptions.put(fault.wireName(), fault.description());
        }
        boolean replayingNow = replaying;
        return new SessionState(scenario.name(), scenario.description(), replayingNow ? replayPhase() : gateway.phase(),
                scenario.phases().stream().map(Phase::name).toList(), gateway.faultsPaused(), gateway.injectedRemaining(),
                replayingNow, replayingNow ? Math.max(0, gateway.replayRemaining()) + laterSegmentsRemaining() : 0,
                gateway.baseUrl(), consoleUrl,
                recordingFile == null ? null : recordingFile.path().toString(),
                replayingNow ? replayed.seed() : seedOverride != null ? seedOverride : scenario.seed(), verdictFromLog,
                ConsoleFault.wireNames(), faultDescriptions, catalog.names(),
                recordingFile == null ? null : recordingFile.problem(),
                replayingNow || gateway.clockStart() == null ? null : gateway.clockStart().toString(),
                queue(gateway.injectedRemaining()), recordingFile == null ? 0 : recordingFile.segments().size(),
                gateway.live() == null ? null : gateway.live().toString());
    }

    /** The fail-next faults still to fire, from what was queued and how many the gateway has still to serve. */
    private List<QueuedFault> queue(int remaining) {
        if (remaining == 0) {
            queued.clear();
            return List.of();
        }
        int served = queued.stream().mapToInt(Queued::count).sum() - remaining;
        List<QueuedFault> queue = new ArrayList<>();
        for (Queued q : queued) {
            if (served >= q.count()) {
                served -= q.count();
                continue;
            }
            int left = q.count() - served;
            served = 0;
            boolean streamOnly = q.streamOnly();
            String waiting = null;
            if (queue.isEmpty() && streamOnly) {
                // A stream-cut passes over requests that do not stream: say so, or QA waits for nothing.
                long notStreamed = gateway.exchanges().stream()
                        .filter(e -> e.sequence() > q.afterRequest() && e.isGeneration() && !e.streamed()).count();
                if (notStreamed > 0) {
                    waiting = "this app's requests so far are not streamed (" + notStreamed + " since it was queued, answered"
                            + " normally); it fires on the first streamed answer";
                }
            }
            queue.add(new QueuedFault(q.name(), q.description(), left,
                    streamOnly ? "the next streamed chat or responses request" : "the next chat or responses request", waiting));
        }
        return queue;
    }

    /** Generation decisions of the segments still to replay after the current one. */
    private int laterSegmentsRemaining() {
        int remaining = 0;
        for (int i = replayIndex + 1; replaySegments != null && i < replaySegments.size(); i++) {
            remaining += (int) replaySegments.get(i).decisions().stream().filter(FaultDecision::generation).count();
        }
        return remaining;
    }

    /** Log entries after log sequence {@code after} (0: every entry kept), oldest first. */
    public List<LogEntry> log(long after) {
        return log.after(after);
    }

    /** The log sequence of the newest entry, 0 before the first request. */
    public long lastLogSequence() {
        return log.last();
    }

    /**
     * Plays scenario {@code name} from its first phase: queued fail-next faults are dropped, a replay
     * ends, a new segment of the recording and a fresh verdict start. Paused faults stay paused.
     *
     * @throws UnknownScenarioException naming the closest scenarios
     * @throws IllegalStateException for a scenario that breaks TLS when the session serves plain HTTP
     */
    public void switchScenario(String name) {
        Scenario next = seeded(catalog.find(name).orElseThrow(() -> new UnknownScenarioException(name, catalog.names())));
        if (!gateway.https() && next.breaksTls()) {
            throw new IllegalStateException("scenario " + name + " breaks TLS, and this session serves the app plain HTTP;"
                    + " restart it over HTTPS (`chaosgate serve --https`) to play it");
        }
        synchronized (steering) {
            startVerdictAfresh();
            replaying = false;
            if (recordingFile != null) {
                recordingFile.restart(next, gatewaySeed(next), Recording.SWITCH);
            }
            gateway.play(next);
        }
    }

    /**
     * Serves fault {@code faultName} ({@link ConsoleFault#wireName()}) to the next {@code count}
     * generation requests, ahead of the scenario, which does not count them.
     *
     * @throws IllegalArgumentException for a count outside 1..{@value #MAX_FAIL_NEXT} or an unknown fault
     * @throws IllegalStateException while a recording is replayed (the recording decides every answer)
     */
    public void failNext(int count, String faultName) {
        checkCount(count);
        ConsoleFault fault = ConsoleFault.named(faultName);
        queue(count, fault.fault(), fault.wireName(), fault.description());
    }

    /**
     * Serves {@code fault}, any single-answer fault a scenario phase can write (an error answer with its
     * headers, a connection fault, a stream fault, a slow answer), to the next {@code count} generation
     * requests. {@code written} is how it was written, shown in the queue.
     *
     * @throws IllegalArgumentException for a fault that decides over several requests (a rate-limit window,
     *     an overload, a probability, flapping, an outage): those need a scenario phase
     */
    public void failNext(int count, UpstreamFault fault, String written) {
        checkCount(count);
        if (!fault.singleAnswer()) {
            throw new IllegalArgumentException("fail-next serves one answer per request, and this fault decides over several"
                    + " requests (" + fault.getClass().getSimpleName() + "); play it in a scenario phase instead (Switch, or"
                    + " `serve --scenario FILE`)");
        }
        queue(count, fault, "custom", written);
    }

    private static void checkCount(int count) {
        if (count < 1 || count > MAX_FAIL_NEXT) {
            throw new IllegalArgumentException("count must be 1.." + MAX_FAIL_NEXT + ", got " + count);
        }
    }

    private void queue(int count, UpstreamFault fault, String name, String description) {
        synchronized (steering) {
            refuseWhileReplaying("fail the next requests");
            List<UpstreamExchange> seen = gateway.exchanges();
            queued.add(new Queued(name, description, fault instanceof UpstreamFault.StreamFault, count,
                    seen.isEmpty() ? 0 : seen.get(seen.size() - 1).sequence()));
            gateway.failNext(count, fault);
        }
    }

    /**
     * Answers every request normally, with no link toxic, until {@link #resume()}.
     *
     * @throws IllegalStateException while a recording is replayed
     */
    public void pause() {
        synchronized (steering) {
            refuseWhileReplaying("pause faults");
            gateway.pauseFaults();
        }
    }

    public void resume() {
        synchronized (steering) {
            gateway.resumeFaults();
        }
    }

    /**
     * Starts over: the scenario (or the replayed recording) from its beginning, faults resumed, no
     * fail-next queued, a new segment of the recording and a fresh verdict. The log keeps its entries.
     */
    public void reset() {
        synchronized (steering) {
            startVerdictAfresh();
            if (replaying) {
                lastReplayedPhase = null;
                replayIndex = 0;
                replayed = replaySegments.get(0);
                if (recordingFile != null) {
                    recordingFile.restart(replayed.scenario(), replayed.seed(), Recording.RESET);
                }
                gateway.replay(replayed.scenario(), replayed.decisions(), replayed.answers());
            } else {
                gateway.resumeFaults();
                Scenario playing = gateway.scenario();
                if (recordingFile != null) {
                    recordingFile.restart(playing, gatewaySeed(playing), Recording.RESET);
                }
                gateway.restart();
            }
        }
    }

    /**
     * The verdicts since the last switch or reset, one per prompt (newest first in {@link RunningVerdict#prompts()}),
     * with what QA last said the app showed for the prompt it was said for (if anything).
     */
    public RunningVerdict verdict() {
        return judge(uiReport);
    }

    /**
     * Remembers what the app showed for the action and judges with it.
     *
     * @param prompt what the user typed, which names the prompt reported on; blank: the newest prompt
     * @param shown  texts the app showed, in order
     * @param draft  what the composer held at the end ({@code ""} when cleared)
     */
    public RunningVerdict verdict(String prompt, List<String> shown, String draft) {
        return verdict(null, prompt, shown, draft);
    }

    /**
     * {@link #verdict(String, List, String)} for a prompt of {@code user} ({@link LogEntry#user()}); null or blank: of
     * whichever user.
     */
    public RunningVerdict verdict(String user, String prompt, List<String> shown, String draft) {
        UiReport report = new UiReport(user == null || user.isBlank() ? null : user.strip(), prompt == null ? "" : prompt,
                List.copyOf(shown), draft == null ? "" : draft, -1);
        uiReport = report;
        return judge(report);
    }

    private RunningVerdict judge(UiReport ui) {
        long from = verdictFromRequest;
        List<UpstreamExchange> since = gateway.exchanges().stream().filter(e -> e.sequence() > from).toList();
        if (since.stream().noneMatch(UpstreamExchange::isGeneration)) {
            return RunningVerdict.pending(ui != null);
        }
        // Whose each request is, oldest first: the users in the order their first requests came.
        Map<String, List<UpstreamExchange>> byUser = new LinkedHashMap<>();
        int nobodys = 0;
        for (UpstreamExchange exchange : since.stream().sorted(java.util.Comparator.comparing(UpstreamExchange::arrived)).toList()) {
            String user = users.userOf(exchange).orElse(null);
            if (user != null) {
                byUser.computeIfAbsent(user, u -> new ArrayList<>()).add(exchange);
            } else if (exchange.isGeneration()) {
                nobodys++;
            }
        }
        Scenario scenario = gateway.scenario();
        List<PromptVerdicts.Judging> judgings = new ArrayList<>();
        List<String> lanes = new ArrayList<>();
        if (byUser.size() < 2) {
            // One user or none told: judged together, as the console always did.
            PromptVerdicts prompts = new PromptVerdicts(scenario, since, gateway.linkRequests(), gateway.linkConnections());
            prompts.actions().forEach(action -> judgings.add(new PromptVerdicts.Judging(prompts, action)));
        } else {
            // Several users: each one's requests alone, so identical prompts of two users are never one action.
            Map<String, List<LinkRequest>> heads = users.headsByUser(since, gateway.linkRequests());
            for (Map.Entry<String, List<UpstreamExchange>> user : byUser.entrySet()) {
                List<LinkRequest> own = heads.getOrDefault(user.getKey(), List.of());
                PromptVerdicts prompts = new PromptVerdicts(scenario, user.getKey(), user.getValue(), own,
                        own.stream().map(LinkRequest::connection).distinct().count());
                prompts.actions().forEach(action -> judgings.add(new PromptVerdicts.Judging(prompts, action)));
                lanes.add(user.getKey());
            }
            judgings.sort(java.util.Comparator.comparing(j -> j.action().opening().arrived()));
        }
        List<PromptVerdicts.Action> actions = judgings.stream().map(PromptVerdicts.Judging::action).toList();
        PromptVerdicts.Action reported = ui == null ? null : ui.target(actions, users);
        if (reported != null && ui.opening() < 0 && uiReport == ui) {
            // Pinned to the prompt it was given for: a later prompt does not take it over.
            uiReport = ui.pinnedTo(reported.opening().sequence());
        }
        List<RunningVerdict> judged = PromptVerdicts.judgeAll(judgings, action -> action != reported ? null
                : ClientReport.of(ui.prompt().isBlank() ? action.prompt() : ui.prompt(), ui.shown(), ui.draft()));
        if (judged.isEmpty()) {
            // Generation requests, but none a user is told for: nothing to judge yet.
            return RunningVerdict.pending(ui != null).withUsers(lanes.stream()
                    .map(user -> RunningVerdict.pending(ui != null, user)).toList(), nobodys);
        }
        RunningVerdict all = judged.get(0).withPrompts(judged);
        if (lanes.isEmpty()) {
            return all;
        }
        List<RunningVerdict> perUser = new ArrayList<>();
        for (String user : lanes) {
            List<RunningVerdict> own = judged.stream().filter(v -> user.equals(v.user())).toList();
            perUser.add(own.isEmpty() ? RunningVerdict.pending(ui != null, user) : own.get(0).withPrompts(own));
        }
        return all.withUsers(perUser, nobodys);
    }

    /** {@code verdict} without the findings that rest on what the app showed. */
    static Verdict networkOnly(Verdict verdict) {
        List<Finding> network = verdict.findings().stream().filter(f -> !UI_CODES.contains(f.code())).toList();
        return verdict.withFindings(network);
    }

    private void startVerdictAfresh() {
        uiReport = null;
        // A switch or reset drops what fail-next queued.
        queued.clear();
        verdictFromLog = log.last();
        List<UpstreamExchange> seen = gateway.exchanges();
        verdictFromRequest = seen.isEmpty() ? 0 : seen.get(seen.size() - 1).sequence();
    }

    private void refuseWhileReplaying(String what) {
        if (replaying) {
            throw new IllegalStateException("cannot " + what + " while a recording is replayed: the recording decides"
                    + " every answer; switch scenario to end the replay");
        }
    }

    /** The phase of the last replayed generation decision, or the first recorded one before any. */
    private String replayPhase() {
        String phase = lastReplayedPhase;
        if (phase != null) {
            return phase;
        }
        return replayed.decisions().stream().filter(FaultDecision::generation).map(FaultDecision::phase)
                .filter(Objects::nonNull).findFirst().orElse(null);
    }

    /**
     * The scenario as played: its own seed keeps deciding its fault schedule under a session seed, which
     * seeds the gateway (link toxics, fixture values) only.
     */
    private Scenario seeded(Scenario scenario) {
        return scenario;
    }

    /** The seed the gateway draws with while {@code scenario} plays: the session's, else the scenario's own. */
    private long gatewaySeed(Scenario scenario) {
        return seedOverride != null ? seedOverride : scenario.seed();
    }

    /** Set by the console server once it listens, for {@link #state()}. */
    void consoleUrl(String url) {
        this.consoleUrl = url;
        // The app's own address forwards /__chaosgate/ to the console while the link lets it through.
        int path = url.indexOf("/__chaosgate");
        gateway.upstream().redirectConsole(path < 0 ? url : url.substring(0, path));
    }

    /** The gateway, for tests. */
    ChaosGateway gateway() {
        return gateway;
    }

    private void decided(FaultDecision decision) {
        log.decided(decision);
        if (recordingFile != null) {
            recordingFile.add(decision);
        }
        if (decision.source() == FaultDecision.Source.REPLAY && decision.generation()) {
            lastReplayedPhase = decision.phase();
            nextSegmentAfter(decision);
        }
    }

    /**
     * Replaying several segments: once the last generation decision of a segment is served, the next segment
     * plays, as the recorded session went on after its Reset or Switch. Its verdict starts after this request.
     * Called outside the upstream's lock (decision listeners are), so taking the steering lock cannot deadlock.
     */
    private void nextSegmentAfter(FaultDecision decision) {
        if (replaySegments == null || replayIndex + 1 >= replaySegments.size() || gateway.replayRemaining() != 0) {
            return;
        }
        synchronized (steering) {
            if (!replaying || closed || replayIndex + 1 >= replaySegments.size() || gateway.replayRemaining() != 0) {
                return;
            }
            replayIndex++;
            Recording next = replaySegments.get(replayIndex);
            replayed = next;
            uiReport = null;
            verdictFromLog = log.last();
            verdictFromRequest = Math.max(verdictFromRequest, decision.sequence());
            lastReplayedPhase = null;
            if (recordingFile != null) {
                recordingFile.restart(next.scenario(), next.seed(), next.cause());
            }
            gateway.replay(next.scenario(), next.decisions(), next.answers());
        }
    }

    private void answered(LiveAnswer answer) {
        log.answeredLive(answer.sequence());
        if (recordingFile != null) {
            recordingFile.add(answer);
        }
    }

    /** The real API answering what meets no fault ({@code serve --upstream}), or null. */
    public LiveUpstream live() {
        return gateway.live();
    }

    private void journalled(Journal.Entry entry) {
        if (entry instanceof Journal.Request request) {
            // Decided as each request is journalled, so the log and the verdict name the same user.
            String user = users.userOf(request.exchange()).orElse(null);
            LogEntry logged = log.finished(request.exchange(), user);
            if (logged != null) {
                metrics.counted(logged);
            }
        }
        if (recordingFile != null) {
            recordingFile.record(entry);
        }
    }

    /** Stops the gateway and writes the recording one last time. Idempotent. */
    @Override
    public void close() {
        synchronized (steering) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // The gateway first, so that nothing is decided after the last write.
        try {
            gateway.close();
        } finally {
            if (recordingFile != null) {
                recordingFile.close();
            }
        }
    }

    /** One fail-next call: its fault, its count, and the newest request when it was queued. */
    private record Queued(String name, String description, boolean streamOnly, int count, long afterRequest) {
    }

    /**
     * What QA said the app showed for one action: the one whose prompt it names, else the newest; of {@code user}'s
     * actions when a user is named (null: anyone's).
     */
    private record UiReport(String user, String prompt, List<String> shown, String draft, long opening) {
        UiReport pinnedTo(long sequence) {
            return new UiReport(user, prompt, shown, draft, sequence);
        }

        /**
         * The action reported on: the one pinned to, else the newest whose prompt holds the typed one, else the newest;
         * null when the user named has no action yet (the report waits for one).
         */
        PromptVerdicts.Action target(List<PromptVerdicts.Action> all, UserAttribution users) {
            List<PromptVerdicts.Action> actions = user == null ? all : all.stream()
                    .filter(a -> users.userOf(a.opening()).filter(user::equals).isPresent()).toList();
            if (actions.isEmpty()) {
                return null;
            }
            for (PromptVerdicts.Action action : actions) {
                if (action.opening().sequence() == opening) {
                    return action;
                }
            }
            String typed = prompt.strip().replaceAll("\\s+", " ");
            for (int i = actions.size() - 1; i >= 0 && !typed.isEmpty(); i--) {
                String sent = actions.get(i).prompt().strip().replaceAll("\\s+", " ");
                if (sent.equalsIgnoreCase(typed) || sent.contains(typed)) {
                    return actions.get(i);
                }
            }
            return actions.get(actions.size() - 1);
        }
    }

    /** Builds and starts a {@link ServeSession}. Not thread-safe. */
    public static final class Builder {
        private ScenarioCatalog catalog;
        private String scenario;
        private List<Recording> replay;
        private Long seed;
        private String host = "127.0.0.1";
        private int port;
        private Path recordTo;
        private StreamPacing pacing = StreamPacing.realistic();
        private Consumer<String> warnings = message -> System.err.println("chaosgate serve: warning: " + message);
        private boolean https;
        private boolean http2;
        private URI upstream;

        private Builder() {
        }

        /** The scenarios the session can play and switch to (default: the built-in catalog). */
        public Builder catalog(ScenarioCatalog catalog) {
            this.catalog = Objects.requireNonNull(catalog, "catalog cannot be null");
            return this;
        }

        /** Plays catalog scenario {@code name} from the start. */
        public Builder scenario(String name) {
            this.scenario = Objects.requireNonNull(name, "scenario name cannot be null");
            return this;
        }

        /** Serves {@code recording}'s decisions again, in order, instead of playing a scenario. */
        public Builder replay(Recording recording) {
            return replay(List.of(Objects.requireNonNull(recording, "recording cannot be null")));
        }

        /**
         * Serves the decisions of {@code segments} again, in order, instead of playing a scenario: the first
         * segment's, then, once its generation decisions are served, the next one's (with its scenario), and so on.
         */
        public Builder replay(List<Recording> segments) {
            if (segments.isEmpty()) {
                throw new IllegalArgumentException("give at least one segment to replay");
            }
            this.replay = List.copyOf(segments);
            return this;
        }

        /** Seed of every scenario played (default: each scenario's own, or the replayed recording's). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Where the app's gateway listens (default 127.0.0.1 and a free port). */
        public Builder listen(String host, int port) {
            this.host = Objects.requireNonNull(host, "host cannot be null");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Serves the app over HTTPS with a certificate authority made for this session
         * ({@link #certificateAuthority()}), so that scenarios breaking TLS can be switched to. Implied when the
         * scenario (or the replayed recording's) breaks TLS; default: plain HTTP.
         */
        public Builder https() {
            this.https = true;
            return this;
        }

        /** Serves HTTPS ({@link #https()}) and offers HTTP/2 by ALPN; HTTP/1.1 clients are still served. */
        public Builder http2() {
            this.https = true;
            this.http2 = true;
            return this;
        }

        /**
         * Live mode: requests the scenario does not fault go to the real API at {@code url} (with the app's own key,
         * never stored), and its answers are recorded, so a replay serves them again offline (see
         * {@link ChaosGatewayBuilder#upstream}). Null: the fake model answers (the default).
         *
         * @throws IllegalArgumentException for a URL that is not an absolute http or https URL without query or credentials
         */
        public Builder upstream(URI url) {
            if (url != null) {
                LiveUpstream.of(url);
            }
            this.upstream = url;
            return this;
        }

        /** Records the run into {@code file} (rewritten as the run goes); default: no recording. */
        public Builder recordTo(Path file) {
            this.recordTo = file;
            return this;
        }

        public Builder pacing(StreamPacing pacing) {
            this.pacing = Objects.requireNonNull(pacing, "pacing cannot be null");
            return this;
        }

        /** Hears problems met while running, like a recording that can no longer be written (default: stderr). */
        public Builder warnings(Consumer<String> warnings) {
            this.warnings = Objects.requireNonNull(warnings, "warnings cannot be null");
            return this;
        }

        /**
         * Starts the gateway and plays the scenario (or the replay).
         *
         * @throws UnknownScenarioException before anything listens
         * @throws ListenException          when the gateway's address cannot be bound
         * @throws RecordingException       when the recording file cannot be written
         */
        public ServeSession start() {
            if ((scenario == null) == (replay == null)) {
                throw new IllegalStateException("give either a scenario or a recording to replay");
            }
            ScenarioCatalog scenarios = catalog == null ? ScenarioCatalog.builtIn() : catalog;
            Recording first = replay == null ? null : replay.get(0);
            Scenario played = first != null ? first.scenario()
                    : scenarios.find(scenario).orElseThrow(() -> new UnknownScenarioException(scenario, scenarios.names()));
            long gatewaySeed = seed != null ? seed : first != null ? first.seed() : played.seed();
            ChaosGateway gateway = startGateway(gatewaySeed, https || played.breaksTls()
                    || (replay != null && replay.stream().anyMatch(segment -> segment.scenario().breaksTls())));
            RecordingFile recordingFile = null;
            try {
                if (recordTo != null) {
                    recordingFile = new RecordingFile(recordTo, played, first != null ? first.seed() : gatewaySeed, warnings);
                }
            } catch (IOException e) {
                gateway.close();
                throw new RecordingException("cannot write the recording to " + recordTo.toAbsolutePath() + " ("
                        + RecordingFile.describe(e) + ")", e);
            }
            ServeSession session = new ServeSession(gateway, scenarios, seed, replay, recordingFile);
            // Listeners first, then the scenario: every decision of the run is recorded.
            gateway.onDecision(session::decided);
            gateway.journal().onEntry(session::journalled);
            gateway.onLiveAnswer(session::answered);
            gateway.onWarning(warnings);
            if (replay != null) {
                session.replaying = true;
                gateway.replay(first.scenario(), first.decisions(), first.answers());
            } else {
                gateway.play(played);
            }
            return session;
        }

        private ChaosGateway startGateway(long gatewaySeed, boolean overHttps) {
            try {
                ChaosGatewayBuilder gatewayBuilder = ChaosGateway.builder().seed(gatewaySeed).pacing(pacing).listen(host, port);
                if (upstream != null) {
                    gatewayBuilder.upstream(upstream);
                }
                if (overHttps && http2) {
                    gatewayBuilder.http2();
                } else if (overHttps) {
                    gatewayBuilder.https();
                }
                return gatewayBuilder.start();
            } catch (LinkException e) {
                String message = String.valueOf(e.getMessage());
                boolean inUse = message.toLowerCase(Locale.ROOT).contains("in use");
                // The gateway's own hint names its Java builder; serve says its options instead.
                String reason = inUse ? "address already in use" : message.replaceFirst("^listen tcp \\S+: ", "").replaceFirst(";.*$", "");
                throw new ListenException(host, port, inUse, reason, e);
            }
        }
    }
}
