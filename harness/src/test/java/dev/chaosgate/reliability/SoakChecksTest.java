package dev.chaosgate.reliability;

import dev.chaosgate.upstream.FakeUpstream;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's checks catch what they are there for: a body broken off is never an answer, and an
 * answer for another request or with other bytes never matches. Without this a soak that passes
 * could be passing because it looks at nothing.
 */
class SoakChecksTest {
    private static final String CHUNKED_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

    @Test
    void aWholeChunkedAnswerIsComplete() throws Exception {
        SoakConnection.Answer answer = answerTo(CHUNKED_HEAD + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", false);

        assertEquals(SoakConnection.Ending.COMPLETE, answer.ending());
        assertEquals(200, answer.status());
        assertArrayEquals("hello world".getBytes(StandardCharsets.US_ASCII), answer.body());
        assertTrue(answer.keepAlive());
    }

    @Test
    void aChunkedAnswerWithoutItsLastChunkIsBrokenAndKeepsOnlyWholeChunks() throws Exception {
        SoakConnection.Answer answer = answerTo(CHUNKED_HEAD + "5\r\nhello\r\n6\r\n wo", false);

        assertEquals(SoakConnection.Ending.BROKEN, answer.ending(), answer.detail());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), answer.body());
    }

    @Test
    void aResetAnswerIsBroken() throws Exception {
        SoakConnection.Answer answer = answerTo(CHUNKED_HEAD + "5\r\nhello\r\n", true);

        assertEquals(SoakConnection.Ending.BROKEN, answer.ending(), answer.detail());
        assertFalse(answer.keepAlive());
    }

    @Test
    void aBodyShorterThanItsContentLengthIsBroken() throws Exception {
        SoakConnection.Answer answer = answerTo("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 20\r\n\r\n<html>", false);

        assertEquals(SoakConnection.Ending.BROKEN, answer.ending());
        assertEquals(502, answer.status());
    }

    @Test
    void bytesThatAreNotHttpAreMalformed() throws Exception {
        SoakConnection.Answer answer = answerTo("\u0000\u0013garbage\r\n\r\n", false);

        assertEquals(SoakConnection.Ending.MALFORMED, answer.ending());
    }

    @Test
    void maskingChecksTheModelAndHidesWhatChangesPerResponse() {
        byte[] one = utf8("{\"id\":\"chatcmpl-abc\",\"created\":1795336673,\"model\":\"soak-7\",\"content\":\"Sure.\"}");
        byte[] two = utf8("{\"id\":\"chatcmpl-xyz\",\"created\":1795336999,\"model\":\"soak-8\",\"content\":\"Sure.\"}");
        byte[] other = utf8("{\"id\":\"chatcmpl-xyz\",\"created\":1795336999,\"model\":\"soak-8\",\"content\":\"Sure!\"}");

        assertArrayEquals(ExpectedAnswers.mask(one, "soak-7"), ExpectedAnswers.mask(two, "soak-8"));
        assertNull(ExpectedAnswers.mask(two, "soak-7"), "an answer for soak-8 is not one for soak-7");
        byte[] masked = ExpectedAnswers.mask(other, "soak-8");
        byte[] expected = ExpectedAnswers.mask(one, "soak-7");
        assertFalse(ExpectedAnswers.crc(masked, masked.length) == ExpectedAnswers.crc(expected, expected.length),
                "one changed byte changes the checksum");
    }

    @Test
    void aBrokenOffStreamMustBeAPrefixOfWholeEvents() throws Exception {
        // Learn from a real upstream, then check prefixes of what it sent.
        try (FakeUpstream upstream = FakeUpstream.builder()
                .pacing(StreamPacing.immediate()).start()) {
            ExpectedAnswers expected = ExpectedAnswers.learn(upstream.port());
            SoakConnection.Answer answer;
            try (SoakConnection connection = new SoakConnection(upstream.port(), 5_000)) {
                answer = connection.exchange(SoakConnection.post(upstream.port(), "/v1/chat/completions", "soak-1",
                        ExpectedAnswers.requestBody("soak-1", 3, true)));
            }
            byte[] masked = ExpectedAnswers.mask(answer.body(), "soak-1");
            assertEquals(expected.streamCrc(3), ExpectedAnswers.crc(masked, masked.length));

            byte[] twoEvents = Arrays.copyOf(masked, nthEventEnd(masked, 2));
            byte[] twoAndAHalf = Arrays.copyOf(masked, nthEventEnd(masked, 2) + 30);
            byte[] three = Arrays.copyOf(masked, nthEventEnd(masked, 3));
            assertTrue(expected.isStreamPrefix(3, 2, twoEvents));
            assertTrue(expected.isStreamPrefix(3, 2, twoAndAHalf), "a broken-off event after the whole ones is not judged");
            assertFalse(expected.isStreamPrefix(3, 2, three), "three events where the stream was reset after two");
            byte[] swapped = twoEvents.clone();
            swapped[twoEvents.length - 5] ^= 1;
            assertFalse(expected.isStreamPrefix(3, 2, swapped), "a changed byte in a whole event");
            assertFalse(expected.isStreamPrefix(4, 2, twoEvents), "another prompt's events");
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int nthEventEnd(byte[] body, int n) {
        int found = 0;
        for (int i = 0; i + 1 < body.length; i++) {
            if (body[i] == '\n' && body[i + 1] == '\n' && ++found == n) {
                return i + 2;
            }
        }
        throw new AssertionError("fewer than " + n + " events");
    }

    /** Serves {@code wire} to one request on a fresh socket, then closes it (with an RST when {@code reset}). */
    private static SoakConnection.Answer answerTo(String wire, boolean reset) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept()) {
                    readRequestHead(socket.getInputStream());
                    socket.getOutputStream().write(wire.getBytes(StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().flush();
                    if (reset) {
                        socket.setSoLinger(true, 0);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (SoakConnection connection = new SoakConnection(server.getLocalPort(), 5_000)) {
                SoakConnection.Answer answer = connection.exchange(SoakConnection.post(server.getLocalPort(), "/v1/chat/completions",
                        "soak-1", "{}"));
                served.get(5, TimeUnit.SECONDS);
                return answer;
            }
        }
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        in.readNBytes(2); // the "{}" body
    }
}
