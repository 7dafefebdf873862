package dev.chaosgate.upstream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a timeline's time starts: at the first generation request ({@link TimelineStart#FIRST_GENERATION_REQUEST}),
 * not at a model list before it, or at {@code play} ({@link TimelineStart#NOW}); and what counts from it.
 */
@Timeout(60)
class TimelineClockTest {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final Duration DOWN = Duration.ofMillis(400);
    private static final Duration UP = Duration.ofMillis(800);
    /** Longer than the down window: a client this late lands in the up window of a clock started at play. */
    private static final Duration LATE = Duration.ofMillis(700);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FakeUpstream upstream;
    private final List<String> phaseStarts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        upstream = FakeUpstream.builder().seed(3).pacing(StreamPacing.immediate()).start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private static List<TimelineStep> flapping() {
        return flapping(UP);
    }

    /** A long {@code up} keeps a request made {@link #LATE} in the up window however slow this machine is. */
    private static List<TimelineStep> flapping(Duration up) {
        return List.of(new TimelineStep("flapping", null, Duration.ofSeconds(60), Faults.flapping(DOWN, up, Faults.overloaded())),
                new TimelineStep("stable", null, null, null));
    }

    private void play(List<TimelineStep> steps, TimelineStart start) {
        upstream.play(steps, 7, start, (at, index) -> phaseStarts.add(steps.get(index).name() + "@" + at));
    }

    private int chat() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private int models() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/models")).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void theFirstGenerationRequestStartsTheClockAndAModelListBeforeItDoesNot() throws Exception {
        play(flapping(), TimelineStart.FIRST_GENERATION_REQUEST);
        assertThat(models()).isEqualTo(200);
        // The client takes its time to start: on a clock started at play this would be the up window.
        Thread.sleep(LATE.toMillis());
        assertThat(upstream.clockStart()).as("the clock after a model list and %s ms", LATE.toMillis()).isNull();
        assertThat(upstream.phase()).isEqualTo("flapping");

        Instant before = Instant.now();
        int first = chat();
        Instant after = Instant.now();

        assertThat(first).as("the first generation request is at time 0 of the flapping cycle: down").isEqualTo(503);
        assertThat(upstream.clockStart()).as("the clock starts at the first generation request").isBetween(before, after);
        assertThat(upstream.exchanges()).extracting(UpstreamExchange::path, UpstreamExchange::status, UpstreamExchange::phase)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/v1/models", 200, "flapping"),
                        org.assertj.core.groups.Tuple.tuple("/v1/chat/completions", 503, "flapping"));
        assertThat(phaseStarts).as("no phase changed while the clock waited").hasSize(1);
    }

    @Test
    void flappingWindowsAreMeasuredFromTheClockStart() throws Exception {
        play(flapping(), TimelineStart.FIRST_GENERATION_REQUEST);
        Thread.sleep(LATE.toMillis());
        long period = DOWN.plus(UP).toMillis();
        long until = System.nanoTime() + Duration.ofMillis(2 * period + 200).toNanos();
        while (System.nanoTime() - until < 0) {
            chat();
            Thread.sleep(60);
        }
        Instant zero = upstream.clockStart();
        List<String> checked = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (UpstreamExchange exchange : upstream.exchanges()) {
            long offset = Duration.between(zero, exchange.arrived()).toMillis();
            long inCycle = Math.floorMod(offset, period);
            // Requests within 40 ms of a window's edge may fall either side (the journal's arrival and the decision's clock differ slightly).
            if (Math.abs(inCycle - DOWN.toMillis()) < 40 || inCycle < 40 && offset > 40 || period - inCycle < 40) {
                continue;
            }
            int expected = inCycle < DOWN.toMillis() ? 503 : 200;
            String line = "+" + offset + " ms (" + inCycle + " ms into a cycle): " + exchange.status();
            checked.add(line);
            if (exchange.status() != expected) {
                wrong.add(line + ", expected " + expected);
            }
        }
        assertThat(wrong).as("answers against the flapping windows counted from the clock start %s; all checked:%n%s",
                zero, String.join("\n", checked)).isEmpty();
        assertThat(upstream.exchanges().get(0).status()).as("the request that started the clock").isEqualTo(503);
        assertThat(checked).as("requests checked in both windows").anyMatch(l -> l.endsWith(": 503")).anyMatch(l -> l.endsWith(": 200"));
    }

    @Test
    void aClockStartedAtPlayKeepsTheWallClockAndALateClientLandsInTheUpWindow() throws Exception {
        assertThat(models()).as("the HTTP client warmed up").isEqualTo(200);
        Instant before = Instant.now();
        play(flapping(Duration.ofSeconds(30)), TimelineStart.NOW);
        assertThat(upstream.clockStart()).as("a wall clock runs from play").isBetween(before, Instant.now());
        assertThat(models()).isEqualTo(200);
        Thread.sleep(LATE.toMillis());
        assertThat(chat()).as("%s ms after play is the up window (down %s ms, up 30 s)", LATE.toMillis(), DOWN.toMillis())
                .isEqualTo(200);
    }

    @Test
    void aProxyInFrontStartsTheClockWhenItSeesTheRequestFirst() throws Exception {
        assertThat(models()).as("the HTTP client warmed up").isEqualTo(200);
        play(flapping(Duration.ofSeconds(30)), TimelineStart.FIRST_GENERATION_REQUEST);
        Instant seenByProxy = Instant.now();
        upstream.startClock(seenByProxy);
        upstream.startClock(seenByProxy.plusSeconds(5));
        assertThat(upstream.clockStart()).as("the first start counts; a later one is ignored")
                .isBetween(seenByProxy.minusMillis(1), seenByProxy.plusMillis(1));
        Thread.sleep(LATE.toMillis());
        assertThat(chat()).as("%s ms after the proxy started the clock: the up window", LATE.toMillis()).isEqualTo(200);
    }

    @Test
    void aDurationPhaseEndsThatLongAfterTheClockStartsAndItsStartIsTheBoundary() throws Exception {
        List<TimelineStep> steps = List.of(new TimelineStep("down", null, Duration.ofMillis(600), Faults.overloaded()),
                new TimelineStep("up", null, null, null));
        play(steps, TimelineStart.FIRST_GENERATION_REQUEST);
        Thread.sleep(800);
        assertThat(upstream.phase()).as("no time passes before the first generation request").isEqualTo("down");
        assertThat(chat()).isEqualTo(503);
        Instant zero = upstream.clockStart();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "up".equals(upstream.phase()));
        assertThat(phaseStarts).hasSize(2);
        Instant upStarted = Instant.parse(phaseStarts.get(1).substring("up@".length()));
        assertThat(Duration.between(zero, upStarted)).as("the phase 'up' starts 600 ms after the clock, however late the change is noticed")
                .isBetween(Duration.ofMillis(599), Duration.ofMillis(601));
        assertThat(chat()).isEqualTo(200);
    }

    @Test
    void aTimedFaultOfALaterPhaseCountsFromThatPhasesStart() throws Exception {
        List<TimelineStep> steps = List.of(new TimelineStep("warm", 1, null, null),
                new TimelineStep("outage", null, null, Faults.outageFor(Duration.ofMillis(600), Faults.overloaded())));
        play(steps, TimelineStart.FIRST_GENERATION_REQUEST);
        assertThat(chat()).isEqualTo(200);
        // Longer than the outage: counted from the clock's start, it would be over.
        Thread.sleep(800);
        assertThat(chat()).as("the outage starts with its phase, at the second request").isEqualTo(503);
    }
}
