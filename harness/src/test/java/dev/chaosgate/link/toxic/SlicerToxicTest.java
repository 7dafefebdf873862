package dev.chaosgate.link.toxic;

import static dev.chaosgate.link.testing.Timing.millisBetween;
import static dev.chaosgate.link.testing.Timing.millisSince;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaosgate.link.ApiError;
import dev.chaosgate.link.LinkException;
import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.link.testing.LinkTestSupport;
import dev.chaosgate.link.testing.TcpPeer;
import java.net.Socket;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
class SlicerToxicTest extends LinkTestSupport {

    /** A random source that fails the test when drawn from. */
    private static final RandomGenerator NO_DRAWS = () -> {
        throw new AssertionError("no random draw expected");
    };

    private static Map<String, Long> slicer(long average, long variation, long delayMicros) {
        return Map.of("average_size", average, "size_variation", variation, "delay", delayMicros);
    }

    // ---- the pure slicing function ----

    @ParameterizedTest(name = "length {0}, average {1}, variation {2}")
    @CsvSource({
            "1, 1, 0", "2, 1, 0", "24, 1, 0", "100, 10, 0", "200, 10, 5", "1000, 7, 6", "32768, 1024, 512",
            "65536, 100, 99", "5000, 1, 1", "3, 1, 100", "9999, 3, 50", "65536, 65536, 0", "12345, 17, 16"
    })
    void slicesSumToTheChunkAndRespectTheBounds(int length, long average, long variation) {
        for (long seed = 0; seed < 50; seed++) {
            List<Integer> slices = SlicerToxic.sliceLengths(length, average, variation, new SplittableRandom(seed));
            assertThat(slices.stream().mapToLong(Integer::longValue).sum()).as("sum, seed %d", seed).isEqualTo(length);
            assertThat(slices).as("slices, seed %d", seed)
                    .allSatisfy(size -> assertThat((long) size).isBetween(1L, Math.max(1, average + variation)));
            if (length <= average + variation) {
                assertThat(slices).as("a chunk within average + variation is not cut").containsExactly(length);
            }
        }
    }

    @Test
    void averageOneWithoutVariationGivesExactOneByteSlicesWithoutDrawing() {
        assertThat(SlicerToxic.sliceLengths(24, 1, 0, NO_DRAWS)).isEqualTo(Collections.nCopies(24, 1));
    }

    @Test
    void zeroVariationHalvesDeterministically() {
        // 100 -> 50+50 -> 25+25 each -> 12+13 each -> 6+6 and 6+7.
        assertThat(SlicerToxic.sliceLengths(100, 10, 0, NO_DRAWS))
                .containsExactly(6, 6, 6, 7, 6, 6, 6, 7, 6, 6, 6, 7, 6, 6, 6, 7);
    }

    @Test
    void slicesAverageAboutTheAverageSize() {
        // Toxiproxy expects ~480 reads for 480 KB at average 1024 / variation 512 (slicing 32 KB reads).
        SplittableRandom random = new SplittableRandom(1);
        int slices = 0;
        for (int i = 0; i < 15; i++) {
            slices += SlicerToxic.sliceLengths(32 * 1024, 1024, 512, random).size();
        }
        assertThat(slices).isBetween(240, 960);
    }

    @Test
    void theSameRandomSeedGivesTheSameSlices() {
        List<Integer> first = SlicerToxic.sliceLengths(10_000, 20, 15, new SplittableRandom(99));
        List<Integer> again = SlicerToxic.sliceLengths(10_000, 20, 15, new SplittableRandom(99));
        List<Integer> other = SlicerToxic.sliceLengths(10_000, 20, 15, new SplittableRandom(100));
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    // ---- over sockets ----

    @Test
    void smallSlicesWithAMicrosecondDelayArriveAsManyReads() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "sl", "slicer", ToxicStream.UPSTREAM, slicer(10, 5, 2_000));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        byte[] data = pattern(200, 1);

        long start = System.nanoTime();
        client.getOutputStream().write(data);
        long done = server.awaitReceived(data.length, LONG);

        assertThat(server.received()).isEqualTo(data);
        // At most 15 bytes per slice: at least 14 slices, 2 ms apart; a few reads may coalesce on a busy machine.
        assertThat(server.reads().size()).as("reads of 200 B sliced to ~10 B").isBetween(5, 200);
        assertThat(server.reads()).allSatisfy(read -> assertThat(read.size()).isLessThan(100));
        long elapsed = millisBetween(start, done);
        assertThat(elapsed).as("13 or more gaps of 2 ms").isGreaterThanOrEqualTo(24);
        assertThat(elapsed).as("the delay is in microseconds, not milliseconds").isLessThan(2_000);
    }

    @Test
    void averageOneVariationZeroSendsOneByteAtATime() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "sl", "slicer", ToxicStream.UPSTREAM, slicer(1, 0, 20_000));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        byte[] data = "abcdefghijklmnopqrstuvwx".getBytes();

        long start = System.nanoTime();
        client.getOutputStream().write(data);
        long done = server.awaitReceived(data.length, LONG);

        assertThat(server.received()).isEqualTo(data);
        // 24 one-byte slices, 20 ms apart: 23 gaps.
        assertThat(millisBetween(start, done)).isGreaterThanOrEqualTo(23 * 20 - 2);
        assertThat(server.reads().size()).as("reads (a starved reader may merge a few)").isBetween(16, 24);
    }

    @Test
    void downstreamSlicingKeepsLargePayloadsIntact() throws Exception {
        int port = proxyToEcho("p");
        addToxic("p", "sl", "slicer", ToxicStream.DOWNSTREAM, slicer(1024, 512, 0));
        addToxic("p", "sl_up", "slicer", ToxicStream.UPSTREAM, slicer(100, 90, 0));
        Socket client = connect(port);
        byte[] data = pattern(256 * 1024, 2);

        Thread writer = new Thread(() -> {
            try {
                client.getOutputStream().write(data);
            } catch (Exception ignored) {
                // the read below fails instead
            }
        });
        writer.start();
        assertThat(readExactly(client, data.length)).isEqualTo(data);
        writer.join(5_000);
    }

    @Test
    void removalMidStreamSendsTheRestAtOnceInOrder() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "sl", "slicer", ToxicStream.UPSTREAM, slicer(1, 0, 100_000));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);
        byte[] data = pattern(100, 3);
        client.getOutputStream().write(data);
        server.awaitReceived(2, SHORT);

        long removed = System.nanoTime();
        engine.removeToxic("p", "sl");
        server.awaitReceived(data.length, SHORT);
        assertThat(millisSince(removed)).isLessThan(1_000);
        assertThat(server.received()).isEqualTo(data);
    }

    @Test
    void averageSizeZeroIsRejectedRatherThanRecursingForever() {
        proxyToSink("p");
        assertThatThrownBy(() -> addToxic("p", "sl", "slicer", ToxicStream.UPSTREAM, slicer(0, 0, 0)))
                .isInstanceOfSatisfying(LinkException.class, e -> assertThat(e.error()).isEqualTo(ApiError.INVALID_VALUE));
    }

    @Test
    void aHugeDelayHoldsTheRestOfTheChunkInsteadOfOverflowing() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "sl", "slicer", ToxicStream.UPSTREAM, slicer(1, 0, Long.MAX_VALUE));
        Socket client = connect(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        client.getOutputStream().write("abc".getBytes());
        server.awaitReceived(1, SHORT);
        Thread.sleep(300);
        assertThat(server.received()).as("only the first slice leaves before the (huge) delay").isEqualTo("a".getBytes());
        engine.removeToxic("p", "sl");
        server.awaitReceived(3, SHORT);
        assertThat(server.received()).isEqualTo("abc".getBytes());
    }

    @Test
    void theEndOfTheStreamFollowsTheLastSlice() throws Exception {
        int port = proxyToSink("p");
        addToxic("p", "sl", "slicer", ToxicStream.DOWNSTREAM, slicer(1, 0, 10_000));
        TcpPeer client = connectRecording(port);
        TcpPeer server = sink.awaitPeer(SHORT);

        long start = server.sendTimed("0123456789".getBytes());
        server.close();
        long eof = client.awaitEnd(LONG);
        assertThat(client.received()).isEqualTo("0123456789".getBytes());
        assertThat(client.failure()).isNull();
        // Ten slices, each followed by a 10 ms pause.
        assertThat(millisBetween(start, eof)).isGreaterThanOrEqualTo(90);
    }
}
