package dev.chaosgate.link.datapath;

import static dev.chaosgate.link.testing.Timing.millisBetween;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real bytes through every toxic on both streams, checking what the two ends observe: the bytes
 * delivered, how each side's stream ended (FIN, RST or still open), the read sizes and the timings.
 * The expectations come from Toxiproxy 2.12's {@code link.go} and {@code toxics/*.go}; docs/toxics.md
 * tabulates them ("What the data-path suite checks"). In each case the <em>sender</em> feeds the
 * toxic's stream (the client for {@code upstream}, the upstream for {@code downstream}) and the
 * <em>receiver</em> reads it. Tolerances are generous: timers never fire early, so lower bounds are
 * close, upper bounds are loose.
 */
@Timeout(60)
class DataPathConformanceTest extends LinkTestSupport {
    /** How long "still open" must hold, and how late a prompt event may be on a loaded machine. */
    private static final Duration QUIET = Duration.ofMillis(400);
    private static final long PROMPT_MS = 300;
    private static final long EARLY_MS = 5;

    enum End { FIN, RST, OPEN }

    /** The two ends of one proxied connection, seen from one stream. */
    private record Ends(TcpPeer client, TcpPeer server, ToxicStream stream) {
        TcpPeer sender() {
            return stream == ToxicStream.UPSTREAM ? client : server;
        }

        TcpPeer receiver() {
            return stream == ToxicStream.UPSTREAM ? server : client;
        }
    }

    private Ends open(ToxicStream stream, String type, Map<String, Long> attributes) throws Exception {
        int port = proxyToSink("p");
        if (type != null) {
            addToxic("p", type, type, stream, attributes);
        }
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        return new Ends(client, server, stream);
    }

    private static End endOf(TcpPeer peer, Duration within) throws InterruptedException {
        try {
            peer.awaitEnd(within);
        } catch (AssertionError stillOpen) {
            return End.OPEN;
        }
        if (peer.failure() == null) {
            return End.FIN;
        }
        String message = String.valueOf(peer.failure().getMessage()).toLowerCase();
        return message.contains("reset") ? End.RST : End.OPEN;
    }

    private static String reads(TcpPeer peer) {
        List<TcpPeer.Read> reads = peer.reads();
        return reads.size() + " reads: " + reads.stream().limit(20).map(r -> String.valueOf(r.size()))
                .collect(Collectors.joining(",")) + (reads.size() > 20 ? ",…" : "");
    }

    // ---- noop ----

    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void noopDeliversEverythingAndPassesTheCloseAtOnce(ToxicStream stream) throws Exception {
        Ends ends = open(stream, "noop", Map.of());
        byte[] data = pattern(64 * 1024, 1);

        ends.sender().send(data);
        long closed = ends.sender().halfClose();

        assertThat(endOf(ends.receiver(), SHORT)).as("receiver's end").isEqualTo(End.FIN);
        assertThat(ends.receiver().received()).as("receiver's bytes").isEqualTo(data);
        assertThat(millisBetween(closed, ends.receiver().endNanos())).as("receiver's EOF after the sender's close").isLessThan(PROMPT_MS);
        assertThat(endOf(ends.sender(), SHORT)).as("sender's end (the link closes its side too)").isEqualTo(End.FIN);
    }

    // ---- latency ----

    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void latencyDelaysTheDataAndTheCloseFollowsTheLastChunk(ToxicStream stream) throws Exception {
        // 400 ms, so that a close delayed a second time (≥ 400 ms after the data) fails the prompt bound.
        Ends ends = open(stream, "latency", Map.of("latency", 400L, "jitter", 0L));
        byte[] data = pattern(1_000, 2);

        long sent = ends.sender().sendTimed(data);
        ends.sender().halfClose();

        long arrived = ends.receiver().awaitReceived(data.length, LONG);
        assertThat(endOf(ends.receiver(), SHORT)).as("receiver's end").isEqualTo(End.FIN);
        assertThat(ends.receiver().received()).isEqualTo(data);
        assertThat(millisBetween(sent, arrived)).as("data delayed by the latency").isBetween(400 - EARLY_MS, 400 + 600L);
        assertThat(millisBetween(arrived, ends.receiver().endNanos()))
                .as("the close waits behind the data, not a second latency").isLessThan(PROMPT_MS);
        assertThat(endOf(ends.sender(), SHORT)).as("sender's end").isEqualTo(End.FIN);
    }

    // ---- bandwidth ----

    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void bandwidthPacesTheDataAndTheCloseFollows(ToxicStream stream) throws Exception {
        // 100 KB/s = 100 bytes per ms: 30,000 bytes take about 300 ms.
        Ends ends = open(stream, "bandwidth", Map.of("rate", 100L));
        byte[] data = pattern(30_000, 3);

        long sent = ends.sender().sendTimed(data);
        ends.sender().halfClose();

        long arrived = ends.receiver().awaitReceived(data.length, LONG);
        assertThat(endOf(ends.receiver(), SHORT)).as("receiver's end").isEqualTo(End.FIN);
        assertThat(ends.receiver().received()).isEqualTo(data);
        assertThat(millisBetween(sent, arrived)).as("30,000 B at 100 KB/s").isBetween(250L, 300 + 600L);
        assertThat(ends.receiver().reads().size()).as("paced in several writes: " + reads(ends.receiver())).isGreaterThanOrEqualTo(2);
        assertThat(millisBetween(arrived, ends.receiver().endNanos())).as("the close follows the data").isLessThan(PROMPT_MS);
        assertThat(endOf(ends.sender(), SHORT)).as("sender's end").isEqualTo(End.FIN);
    }

    // ---- slow_close ----

    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void slowCloseDelaysTheCloseWhenTheSenderClosesFirst(ToxicStream stream) throws Exception {
        Ends ends = open(stream, "slow_close", Map.of("delay", 300L));
        byte[] data = pattern(100, 4);

        long sent = ends.sender().sendTimed(data);
        long closed = ends.sender().halfClose();

        long arrived = ends.receiver().awaitReceived(data.length, SHORT);
        assertThat(millisBetween(sent, arrived)).as("data is not delayed").isLessThan(PROMPT_MS);
        assertThat(endOf(ends.receiver(), LONG)).as("receiver's end").isEqualTo(End.FIN);
        assertThat(millisBetween(closed, ends.receiver().endNanos())).as("receiver's EOF after the sender's close")
                .isBetween(300 - EARLY_MS, 300 + 500L);
        assertThat(endOf(ends.sender(), SHORT)).as("sender's end").isEqualTo(End.FIN);
        assertThat(millisBetween(closed, ends.sender().endNanos()))
                .as("the sender's side closes when the delayed close reaches the receiver").isBetween(300 - EARLY_MS, 300 + 500L);
        assertThat(ends.receiver().received()).isEqualTo(data);
    }

    /**
     * The side the toxic's stream writes to closes first: its close ends the other stream at once,
     * whose end then reaches this side only after the delay (Toxiproxy's client saw EOF at ~703 ms
     * for a close at 200 ms with a 500 ms slow_close).
     */
    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void slowCloseDelaysTheCloseAlsoWhenTheReceiverClosesFirst(ToxicStream stream) throws Exception {
        Ends ends = open(stream, "slow_close", Map.of("delay", 300L));

        long closed = ends.receiver().halfClose();

        assertThat(endOf(ends.sender(), SHORT)).as("the other side's end").isEqualTo(End.FIN);
        assertThat(millisBetween(closed, ends.sender().endNanos())).as("the other side sees the close at once").isLessThan(PROMPT_MS);
        assertThat(endOf(ends.receiver(), LONG)).as("the closing side's end").isEqualTo(End.FIN);
        assertThat(millisBetween(closed, ends.receiver().endNanos()))
                .as("the closing side's EOF comes through the slow_close").isBetween(300 - EARLY_MS, 300 + 500L);
    }

    // ---- timeout ----

    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void timeoutSwallowsTheDataAndClosesWhenIdle(ToxicStream stream) throws Exception {
        Ends ends = open(stream, "timeout", Map.of("timeout", 300L));

        long sent = ends.sender().sendTimed(pattern(100, 5));

        assertThat(endOf(ends.receiver(), LONG)).as("receiver's end").isEqualTo(End.FIN);
        assertThat(millisBetween(sent, ends.receiver().endNanos())).as("closed once idle for the timeout")
                .isBetween(300 - EARLY_MS, 300 + 500L);
        assertThat(ends.receiver().receivedCount()).as("bytes delivered").isZero();
        assertThat(endOf(ends.sender(), SHORT)).as("sender's end").isEqualTo(End.FIN);
    }

    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void timeoutZeroSwallowsTheDataAndHoldsTheConnectionOpen(ToxicStream stream) throws Exception {
        Ends ends = open(stream, "timeout", Map.of("timeout", 0L));

        ends.sender().send(pattern(100, 6));

        assertThat(endOf(ends.receiver(), QUIET)).as("receiver's end").isEqualTo(End.OPEN);
        assertThat(endOf(ends.sender(), Duration.ofMillis(50))).as("sender's end").isEqualTo(End.OPEN);
        assertThat(ends.receiver().receivedCount()).as("bytes delivered").isZero();
    }

    // ---- reset_peer ----

    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void resetPeerDropsTheFirstDataAndResetsBothSidesAfterTheTimeout(ToxicStream stream) throws Exception {
        Ends ends = open(stream, "reset_peer", Map.of("timeout", 200L));

        long sent = ends.sender().sendTimed(pattern(100, 7));

        assertThat(endOf(ends.receiver(), LONG)).as("receiver's end").isEqualTo(End.RST);
        assertThat(endOf(ends.sender(), SHORT)).as("sender's end").isEqualTo(End.RST);
        assertThat(millisBetween(sent, ends.sender().endNanos())).as("reset after the timeout").isBetween(200 - EARLY_MS, 200 + 1_500L);
        assertThat(ends.receiver().receivedCount()).as("bytes delivered").isZero();
    }

    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void resetPeerWithoutDataKeepsTheConnectionOpen(ToxicStream stream) throws Exception {
        Ends ends = open(stream, "reset_peer", Map.of("timeout", 0L));

        assertThat(endOf(ends.receiver(), QUIET)).as("receiver's end").isEqualTo(End.OPEN);
        assertThat(endOf(ends.sender(), Duration.ofMillis(50))).as("sender's end").isEqualTo(End.OPEN);
    }

    // ---- slicer ----

    /**
     * 64 KiB through average 64, variation 32, no delay: every byte arrives in order, in more than one read (it
     * used to be two reads of up to 48 KiB), and both sides end cleanly. How many reads a receiver sees without a
     * delay depends on how fast it reads, not on the link: a reader that wakes 1 ms late finds hundreds of slices
     * waiting and takes them in one read (CI runners saw 41 reads, and 8 on an idle machine, the last of 61,423
     * bytes). That each slice travels on its own is shown with a delay, in {@link #slicerWithADelayWaitsAfterEachSlice}.
     */
    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void slicerWithoutDelayDeliversEverySliceInOrderAndEndsCleanly(ToxicStream stream) throws Exception {
        Ends ends = open(stream, "slicer", Map.of("average_size", 64L, "size_variation", 32L, "delay", 0L));
        byte[] data = pattern(64 * 1024, 8);

        ends.sender().send(data);
        ends.sender().halfClose();

        ends.receiver().awaitReceived(data.length, LONG);
        assertThat(endOf(ends.receiver(), SHORT)).as("receiver's end").isEqualTo(End.FIN);
        assertThat(ends.receiver().received()).isEqualTo(data);
        assertThat(ends.receiver().reads().size()).as("reads (%s)", reads(ends.receiver())).isGreaterThanOrEqualTo(2);
        assertThat(endOf(ends.sender(), SHORT)).as("sender's end").isEqualTo(End.FIN);
    }

    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void slicerWithADelayWaitsAfterEachSlice(ToxicStream stream) throws Exception {
        // 8 KiB in slices of 64 ± 32 B: about 128 slices, each followed by 1 ms.
        Ends ends = open(stream, "slicer", Map.of("average_size", 64L, "size_variation", 32L, "delay", 1_000L));
        byte[] data = pattern(8 * 1024, 9);

        long sent = ends.sender().sendTimed(data);
        long done = ends.receiver().awaitReceived(data.length, LONG);

        assertThat(ends.receiver().received()).isEqualTo(data);
        assertThat(millisBetween(sent, done)).as("at least 8192/96 = 85 slices, 1 ms apart").isGreaterThanOrEqualTo(84);
        assertThat(ends.receiver().reads().size()).as("reads (%s)", reads(ends.receiver())).isGreaterThanOrEqualTo(60);
        assertThat(ends.receiver().reads()).allSatisfy(read -> assertThat(read.size()).isLessThanOrEqualTo(2_000));
    }

    // ---- limit_data ----

    /**
     * More than the limit in one write: the receiver gets exactly the limit and a clean close, and so
     * does the sender, whose surplus the link reads and discards (it used to be reset).
     */
    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void limitDataCutsTheStreamAndBothSidesSeeACleanClose(ToxicStream stream) throws Exception {
        Ends ends = open(stream, "limit_data", Map.of("bytes", 1_000L));
        byte[] data = pattern(256 * 1024, 10);

        ends.sender().send(data);

        assertThat(endOf(ends.receiver(), LONG)).as("receiver's end").isEqualTo(End.FIN);
        assertThat(ends.receiver().received()).as("exactly the limit").isEqualTo(Arrays.copyOf(data, 1_000));
        assertThat(endOf(ends.sender(), LONG)).as("sender's end after sending more than the limit in one write, "
                + "failure: " + ends.sender().failure()).isEqualTo(End.FIN);
    }

    @ParameterizedTest
    @EnumSource(ToxicStream.class)
    void limitDataUnderTheLimitKeepsTheConnectionOpen(ToxicStream stream) throws Exception {
        Ends ends = open(stream, "limit_data", Map.of("bytes", 1_000L));
        byte[] data = pattern(999, 11);

        ends.sender().send(data);

        ends.receiver().awaitReceived(data.length, SHORT);
        assertThat(endOf(ends.receiver(), QUIET)).as("receiver's end").isEqualTo(End.OPEN);
        assertThat(ends.receiver().received()).isEqualTo(data);
    }
}
