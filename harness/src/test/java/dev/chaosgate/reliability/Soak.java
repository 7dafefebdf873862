package dev.chaosgate.reliability;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.journal.Journal;
import dev.chaosgate.link.LinkEvent;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A soak of the whole gateway: a bounded pool of clients sends chat completion requests through
 * the link to the fake upstream, which plays {@link SoakMix}, until {@link SoakConfig#requests()}
 * were sent or {@link SoakConfig#duration()} passed. Every answer is judged against what was due
 * ({@link ExpectedAnswers}): the upstream's journalled decision for that request (found by the
 * request's {@value SoakConnection#ID_HEADER} header), or the link fault that explains a broken connection. Along
 * the way it samples the heap after a full collection; before and after, it takes the process's
 * file descriptors and threads ({@link ProcessResources}).
 *
 * <p>Everything is on 127.0.0.1, bounded (clients, journal, examples kept) and stops by itself.
 */
public final class Soak {
    /** Longest wait for an answer's bytes; none of the mix's faults holds an answer back. */
    private static final int READ_TIMEOUT_MILLIS = 15_000;
    /** Longest wait for the journal to record a request whose answer arrived. */
    private static final long JOURNAL_WAIT_MILLIS = 5_000;
    private static final int EXAMPLES_KEPT = 10;
    /** Requests of the warm-up run, which loads classes and opens jars before the baseline is taken. */
    private static final long WARM_UP_REQUESTS = 3_000;

    private final SoakConfig config;
    private final SoakMix mix;
    private final ChaosGateway gateway;
    private final ExpectedAnswers expected;
    private final JournalWatch watch = new JournalWatch();
    private final int linkPort;
    private final AtomicLong issued = new AtomicLong();
    private final LongAdder sent = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final LongAdder mangled = new LongAdder();
    private final LongAdder unjournalled = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private final Map<SoakMix.Fault, LongAdder> faults = new EnumMap<>(SoakMix.Fault.class);
    private final List<String> examples = new ArrayList<>();
    private final AtomicInteger problemsSeen = new AtomicInteger();
    private long deadline;

    private Soak(SoakConfig config, SoakMix mix, ChaosGateway gateway, ExpectedAnswers expected) {
        this.config = config;
        this.mix = mix;
        this.gateway = gateway;
        this.expected = expected;
        this.linkPort = URI.create(gateway.baseUrl()).getPort();
        for (SoakMix.Fault fault : SoakMix.Fault.values()) {
            faults.put(fault, new LongAdder());
        }
    }

    /**
     * Runs a short warm-up soak (classes loaded, jars opened, JIT warm), takes the baseline, then
     * runs the soak of {@code config} and reports it.
     */
    public static SoakReport run(SoakConfig config) throws IOException, InterruptedException {
        return run(config, line -> { });
    }

    /** {@link #run(SoakConfig)}, telling {@code progress} a line of figures at every heap sample. */
    public static SoakReport run(SoakConfig config, Consumer<String> progress) throws IOException, InterruptedException {
        SoakConfig warmUp = config.withRequests(Math.min(WARM_UP_REQUESTS, config.requests())).withDuration(Duration.ofSeconds(5));
        once(warmUp, null, line -> { });
        ProcessResources baseline = ProcessResources.now(true);
        return once(config, baseline, progress);
    }

    /** One soak on a fresh gateway; without a baseline it reports nothing (the warm-up). */
    private static SoakReport once(SoakConfig config, ProcessResources baseline, Consumer<String> progress)
            throws IOException, InterruptedException {
        SoakReport counted;
        try (ChaosGateway gateway = ChaosGateway.builder().seed(config.seed()).pacing(StreamPacing.immediate())
                .journalCapacity(config.journalCapacity()).start()) {
            counted = new Soak(config, new SoakMix(config.limitDataBytes()), gateway,
                    ExpectedAnswers.learn(gateway.upstream().port())).soak(baseline, progress);
        }
        if (baseline == null) {
            return null;
        }
        // Nothing of the gateway is reachable from here on, so the heap after close shows what it left behind.
        List<String> leaks = ProcessResources.awaitBaseline(baseline, 2, 1, Duration.ofSeconds(20));
        return counted.afterClose(ProcessResources.now(true), leaks);
    }

    private SoakReport soak(ProcessResources baseline, Consumer<String> progress) throws InterruptedException {
        gateway.journal().onEntry(watch);
        long recordedBefore = gateway.journal().size() + gateway.journal().dropped();
        gateway.play(mix.scenario(config.seed()));

        long started = System.nanoTime();
        deadline = started + config.duration().toNanos();
        List<SoakReport.HeapSample> heap = new ArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "soak-heap"));
        if (baseline != null) {
            long every = config.heapSampleInterval().toMillis();
            sampler.scheduleWithFixedDelay(() -> {
                long bytes = ProcessResources.heapAfterGc();
                boolean full = gateway.journal().dropped() > 0;
                long at = (System.nanoTime() - started) / 1_000_000;
                synchronized (heap) {
                    heap.add(new SoakReport.HeapSample(at, bytes, full));
                }
                progress.accept(String.format(Locale.ROOT, "%6.0f s: %,d sent, %,d ok, %,d faults as due, %,d lost, %,d mangled;"
                        + " heap %,d MiB; journal %,d held, %,d dropped", at / 1000.0, sent.sum(), ok.sum(),
                        faults.values().stream().mapToLong(LongAdder::sum).sum(), lost.sum(), mangled.sum(), bytes >> 20,
                        gateway.journal().size(), gateway.journal().dropped()));
            }, every, every, TimeUnit.MILLISECONDS);
        }
        long elapsed;
        try {
            drive();
            elapsed = System.nanoTime() - started;
        } finally {
            sampler.shutdownNow();
            sampler.awaitTermination(10, TimeUnit.SECONDS);
        }
        watch.awaitQuiet(connections.sum());
        Journal journal = gateway.journal();
        SoakReport.JournalFigures figures = new SoakReport.JournalFigures(journal.capacity(), journal.size(), journal.dropped(),
                recordedBefore + watch.entries.sum(), watch.soakRequests.sum(), watch.twice.sum(),
                watch.opened.sum(), watch.closed.sum(), watch.resets.sum());
        List<SoakReport.HeapSample> samples;
        synchronized (heap) {
            samples = List.copyOf(heap);
        }
        List<String> problems;
        synchronized (examples) {
            problems = List.copyOf(examples);
        }
        return new SoakReport(config, mix.describe(), Duration.ofNanos(elapsed), sent.sum(), ok.sum(), faultCounts(),
                lost.sum(), mangled.sum(), unjournalled.sum(), connections.sum(), figures, baseline, null, List.of(),
                samples, problems);
    }

    private Map<SoakMix.Fault, Long> faultCounts() {
        Map<SoakMix.Fault, Long> counts = new EnumMap<>(SoakMix.Fault.class);
        faults.forEach((fault, count) -> counts.put(fault, count.sum()));
        return counts;
    }

    /** Runs the clients until the requests are sent or the time is up. */
    private void drive() throws InterruptedException {
        ExecutorService clients = Executors.newFixedThreadPool(config.clients(), new ThreadFactory() {
            private final AtomicInteger next = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
                return daemon(r, "soak-client-" + next.incrementAndGet());
            }
        });
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < config.clients(); i++) {
            running.add(clients.submit(this::client));
        }
        try {
            for (Future<?> client : running) {
                client.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a soak client failed: " + e.getCause(), e.getCause());
        } finally {
            clients.shutdownNow();
            clients.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** One client: one request at a time on a kept-alive connection, a new one after each break. */
    private void client() {
        SoakConnection connection = null;
        try {
            while (true) {
                long id = issued.getAndIncrement();
                if (id >= config.requests() || System.nanoTime() - deadline >= 0) {
                    return;
                }
                if (connection == null) {
                    try {
                        connection = new SoakConnection(linkPort, READ_TIMEOUT_MILLIS);
                    } catch (IOException e) {
                        sent.increment();
                        problem(lost, "request " + id + ": could not connect to the link on port " + linkPort + ": " + e.getMessage());
                        continue;
                    }
                    connections.increment();
                }
                SoakConnection.Answer answer = send(connection, id);
                if (!answer.complete() || !answer.keepAlive()) {
                    connection.close();
                    connection = null;
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private SoakConnection.Answer send(SoakConnection connection, long id) {
        boolean stream = (id & 1) == 0;
        int prompt = (int) ((id >>> 1) % ExpectedAnswers.PROMPTS);
        String soakId = "soak-" + id;
        InFlight flight = watch.register(soakId, connection.localPort());
        try {
            sent.increment();
            SoakConnection.Answer answer = connection.exchange(SoakConnection.post(linkPort, "/v1/chat/completions", soakId,
                    ExpectedAnswers.requestBody(soakId, prompt, stream)));
            // limit_data lets exactly its bytes through each connection, then closes it.
            boolean linkCut = !answer.complete() && connection.bytesReceived() == mix.limitDataBytes();
            if (!linkCut) {
                flight.await(JOURNAL_WAIT_MILLIS);
            }
            judge(new Request(id, soakId, stream, prompt, connection.localPort(), connection.requests(), connection.bytesReceived()),
                    answer, linkCut, flight);
            return answer;
        } finally {
            watch.unregister(flight);
        }
    }

    private record Request(long id, String soakId, boolean stream, int prompt, int clientPort, int onConnection, long connectionBytes) {
        @Override
        public String toString() {
            return soakId + " (" + (stream ? "stream" : "plain") + ", '" + ExpectedAnswers.prompt(prompt) + "') as request "
                    + onConnection + " of connection :" + clientPort + " (" + connectionBytes + " bytes received on it)";
        }
    }

    /** Counts the answer as what it is: ok, the fault that was due, lost or mangled. */
    private void judge(Request request, SoakConnection.Answer answer, boolean linkCut, InFlight flight) {
        if (linkCut) {
            faults.get(SoakMix.Fault.LINK_CUT).increment();
            return;
        }
        UpstreamExchange exchange = flight.exchange();
        if (exchange == null) {
            if (flight.linkReset() && !answer.complete() && answer.bytes() == 0) {
                faults.get(SoakMix.Fault.LINK_RESET).increment();
            } else if (answer.complete()) {
                problem(unjournalled, request + ": an answer arrived (" + describe(answer) + ") but the upstream's journal"
                        + " never recorded the request within " + JOURNAL_WAIT_MILLIS + " ms");
            } else {
                problem(lost, request + ": no answer (" + describe(answer) + "), the upstream's journal has no such request"
                        + " and the link reported no reset of its connection");
            }
            return;
        }
        SoakMix.Fault fault = mix.fault(exchange.fault());
        String due = "the upstream decided " + (exchange.fault() == null ? "a normal answer" : "'" + exchange.fault() + "'");
        if (exchange.fault() != null && fault == null) {
            problem(mangled, request + ": " + due + ", which is not a fault of the soak's mix");
            return;
        }
        if (fault == null) {
            long crc = request.stream ? expected.streamCrc(request.prompt) : expected.plainCrc(request.prompt);
            expectWhole(request, answer, due, 200, crc, true, null);
            return;
        }
        switch (fault) {
            case BAD_GATEWAY, OVERLOADED, SLOW_DOWN -> {
                ExpectedAnswers.Page page = expected.page(fault);
                expectWhole(request, answer, due, page.status(), page.crc(), false, fault);
            }
            case UPSTREAM_RESET -> {
                if (answer.complete() || answer.bytes() > 0) {
                    problem(mangled, request + ": " + due + ", so no byte was due, but got " + describe(answer));
                } else {
                    faults.get(fault).increment();
                }
            }
            case STREAM_CUT -> expectWhole(request, answer, due, 200,
                    expected.streamPrefixCrc(request.prompt, expected.eventsKept(request.prompt, SoakMix.STREAM_CUT_EVENTS)), true, fault);
            case STREAM_ERROR -> expectWhole(request, answer, due, 200,
                    expected.streamErrorCrc(request.prompt, expected.eventsKept(request.prompt, SoakMix.STREAM_ERROR_EVENTS)), true, fault);
            case STREAM_RESET -> {
                int events = expected.eventsKept(request.prompt, SoakMix.STREAM_RESET_EVENTS);
                byte[] masked = ExpectedAnswers.mask(answer.body(), request.soakId);
                if (answer.complete()) {
                    problem(mangled, request + ": " + due + ", yet the answer ended normally: " + describe(answer));
                } else if (answer.ending() != SoakConnection.Ending.BROKEN) {
                    problem(lost, request + ": " + due + ", but instead of a reset: " + describe(answer));
                } else if ((answer.status() != 0 && answer.status() != 200) || masked == null
                        || !expected.isStreamPrefix(request.prompt, events, masked)) {
                    problem(mangled, request + ": " + due + "; the events before the reset are not the first " + events
                            + " of the stream: " + describe(answer));
                } else {
                    faults.get(fault).increment();
                }
            }
            default -> problem(mangled, request + ": " + due + ", a link fault the upstream cannot serve");
        }
    }

    /** A whole answer was due: {@code status} and a body whose (masked) CRC32 is {@code crc}. */
    private void expectWhole(Request request, SoakConnection.Answer answer, String due, int status, long crc, boolean masked,
                             SoakMix.Fault fault) {
        if (!answer.complete()) {
            LongAdder counter = answer.ending() == SoakConnection.Ending.MALFORMED ? mangled : lost;
            problem(counter, request + ": " + due + ", but the answer " + (answer.ending() == SoakConnection.Ending.MALFORMED
                    ? "is malformed: " : "broke off: ") + describe(answer));
            return;
        }
        byte[] body = masked ? ExpectedAnswers.mask(answer.body(), request.soakId) : answer.body();
        if (answer.status() != status) {
            problem(mangled, request + ": " + due + ", so " + status + " was due, got " + describe(answer));
        } else if (body == null) {
            problem(mangled, request + ": " + due + ", got an answer for another request (its model is not "
                    + request.soakId + "): " + describe(answer));
        } else if (ExpectedAnswers.crc(body, body.length) != crc) {
            problem(mangled, request + ": " + due + ", body CRC32 " + Long.toHexString(ExpectedAnswers.crc(body, body.length))
                    + " where " + Long.toHexString(crc) + " was due: " + describe(answer));
        } else if (fault == null) {
            ok.increment();
        } else {
            faults.get(fault).increment();
        }
    }

    private static String describe(SoakConnection.Answer answer) {
        String text = new String(answer.body(), StandardCharsets.UTF_8);
        String start = text.length() <= 160 ? text : text.substring(0, 160) + "…";
        return (answer.status() == 0 ? "no status" : "status " + answer.status()) + ", " + answer.ending()
                + (answer.detail() == null ? "" : " (" + answer.detail() + ")") + ", " + answer.bytes() + " bytes, body "
                + answer.body().length + " bytes '" + start.replace("\n", "\\n").replace("\r", "\\r") + "'";
    }

    private void problem(LongAdder counter, String example) {
        counter.increment();
        if (problemsSeen.getAndIncrement() < EXAMPLES_KEPT) {
            synchronized (examples) {
                examples.add(example);
            }
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** One request on its way: what the journal says about it, filled in by {@link JournalWatch}. */
    private static final class InFlight {
        private final String soakId;
        private final int clientPort;
        private UpstreamExchange exchange;
        private boolean linkReset;

        InFlight(String soakId, int clientPort) {
            this.soakId = soakId;
            this.clientPort = clientPort;
        }

        synchronized void answered(UpstreamExchange recorded) {
            exchange = recorded;
            notifyAll();
        }

        synchronized void reset() {
            linkReset = true;
            notifyAll();
        }

        synchronized UpstreamExchange exchange() {
            return exchange;
        }

        synchronized boolean linkReset() {
            return linkReset;
        }

        /** Waits until the upstream journalled the request or the link reset its connection. */
        synchronized void await(long millis) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            try {
                while (exchange == null && !linkReset) {
                    long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                    if (left <= 0) {
                        return;
                    }
                    wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Hears every entry of the gateway's journal (on the recording thread, so it stays cheap): hands
     * each soak request's exchange and each link reset to the request in flight, and counts entries.
     */
    private static final class JournalWatch implements Consumer<Journal.Entry> {
        private final Map<String, InFlight> bySoakId = new ConcurrentHashMap<>();
        private final Map<Integer, InFlight> byClientPort = new ConcurrentHashMap<>();
        private final LongAdder entries = new LongAdder();
        private final LongAdder soakRequests = new LongAdder();
        /** Soak requests journalled while one with the same id was already handed over. */
        private final LongAdder twice = new LongAdder();
        private final LongAdder opened = new LongAdder();
        private final LongAdder closed = new LongAdder();
        private final LongAdder resets = new LongAdder();

        InFlight register(String soakId, int clientPort) {
            InFlight flight = new InFlight(soakId, clientPort);
            bySoakId.put(soakId, flight);
            byClientPort.put(clientPort, flight);
            return flight;
        }

        void unregister(InFlight flight) {
            bySoakId.remove(flight.soakId, flight);
            byClientPort.remove(flight.clientPort, flight);
        }

        @Override
        public void accept(Journal.Entry entry) {
            entries.increment();
            if (entry instanceof Journal.Request request) {
                List<String> ids = request.exchange().requestHeaders().get(SoakConnection.ID_HEADER);
                if (ids == null || ids.isEmpty()) {
                    return;
                }
                soakRequests.increment();
                InFlight flight = bySoakId.get(ids.get(0));
                if (flight != null) {
                    if (flight.exchange() != null) {
                        twice.increment();
                    }
                    flight.answered(request.exchange());
                }
            } else if (entry instanceof Journal.Link link) {
                LinkEvent event = link.event();
                switch (event.kind()) {
                    case OPENED -> opened.increment();
                    case CLOSED -> closed.increment();
                    case RESET -> {
                        resets.increment();
                        InFlight flight = byClientPort.get(event.clientPort());
                        if (flight != null) {
                            flight.reset();
                        }
                    }
                }
            }
        }

        /**
         * Waits (at most 15 s) until the link has journalled every connection the clients opened as
         * opened and closed, and nothing new arrives for half a second: answers of cut connections
         * may still be finishing at the upstream.
         */
        void awaitQuiet(long connections) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            long last = -1;
            long stableSince = System.nanoTime();
            while (System.nanoTime() - end < 0) {
                long now = entries.sum();
                if (now != last) {
                    last = now;
                    stableSince = System.nanoTime();
                } else if (closed.sum() >= connections && opened.sum() >= connections
                        && System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(500)) {
                    return;
                }
                Thread.sleep(50);
            }
        }
    }
}
