package dev.chaosgate.link.internal;

import dev.chaosgate.link.LinkConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request heads the link reads out of a client's bytes: what it must find in each, and that it finds the same
 * whatever the reads the bytes arrive in (each case is fed whole, then split at every byte, then byte by byte).
 */
class RequestHeadReaderTest {

    /** What a reader made of some bytes: each head as {@code METHOD target version body [flags]}, and how it ended. */
    private record Reading(List<String> heads, boolean http, boolean stopped) {
    }

    private static String describe(LinkConnection.RequestHead head) {
        return head.method() + " " + head.target() + " " + head.version() + " " + head.body()
                + (head.expectContinue() ? " expect-100" : "") + (head.upgrade() != null ? " upgrade=" + head.upgrade() : "")
                + (head.close() ? " close" : "");
    }

    private static Reading read(byte[] bytes, int... cuts) {
        List<String> heads = new ArrayList<>();
        RequestHeadReader reader = new RequestHeadReader(head -> heads.add(describe(head)));
        int from = 0;
        for (int cut : cuts) {
            feed(reader, bytes, from, cut);
            from = cut;
        }
        feed(reader, bytes, from, bytes.length);
        return new Reading(heads, reader.http(), reader.stopped());
    }

    private static void feed(RequestHeadReader reader, byte[] bytes, int from, int to) {
        // Not at offset 0, as a pooled buffer's bytes seldom are; the reader must leave them unread.
        ByteBuf buf = Unpooled.buffer(to - from + 8);
        buf.writeBytes(new byte[5]).readerIndex(5);
        buf.writeBytes(bytes, from, to - from);
        int readerIndex = buf.readerIndex();
        reader.read(buf);
        assertThat(buf.readerIndex()).as("the reader consumed bytes").isEqualTo(readerIndex);
        buf.release();
    }

    /** Reads {@code text} whole, split in two at every byte, and byte by byte: always the same reading, returned. */
    private static Reading readEveryWay(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        Reading whole = read(bytes);
        for (int cut = 1; cut < bytes.length; cut++) {
            assertThat(read(bytes, cut)).as("split at byte %d of %s", cut, text).isEqualTo(whole);
        }
        int[] everyByte = new int[Math.max(0, bytes.length - 1)];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        assertThat(read(bytes, everyByte)).as("byte by byte: %s", text).isEqualTo(whole);
        return whole;
    }

    @Test
    void findsEachHeadOfAKeptAliveConnectionAndSkipsTheirBodies() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"GET / HTTP/1.1\\r\\n\\r\\n\"}]}";
        Reading reading = readEveryWay("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body
                + "GET /v1/models?limit=2 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "\r\n" // a stray empty line between requests is allowed
                + "DELETE /v1/files/1 HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertThat(reading.heads()).containsExactly(
                "POST /v1/chat/completions HTTP/1.1 LENGTH",
                "GET /v1/models?limit=2 HTTP/1.1 NONE",
                "DELETE /v1/files/1 HTTP/1.1 NONE close");
        assertThat(reading.http()).isTrue();
        assertThat(reading.stopped()).isFalse();
    }

    @Test
    void skipsAChunkedBodyWithExtensionsAndTrailers() {
        Reading reading = readEveryWay("POST /a HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n\r\n"
                + "5;name=value\r\nHTTP/\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n"
                + "POST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nok");
        // Chunked framing wins over a Content-Length sent with it (RFC 9112, 6.3).
        assertThat(reading.heads()).containsExactly("POST /a HTTP/1.1 CHUNKED", "POST /b HTTP/1.1 LENGTH");
    }

    @Test
    void readsHeaderNamesAndValuesWhateverTheirCaseAndSpacing() {
        Reading reading = readEveryWay("POST /x HTTP/1.1\n"
                + "content-LENGTH:   4  \n"
                + "EXPECT: 100-Continue\n"
                + "upgrade:h2c\n"
                + "X-Not-A-Header-We-Read: Connection: close\n"
                + "no colon here\n"
                + ": no name\n"
                + "\n"
                + "abcd");
        assertThat(reading.heads()).containsExactly("POST /x HTTP/1.1 LENGTH expect-100 upgrade=h2c");
    }

    @Test
    void knowsWhenEachVersionClosesTheConnection() {
        Reading reading = readEveryWay("GET /a HTTP/1.0\r\n\r\n"
                + "GET /b HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"
                + "GET /c HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\n\r\n"
                + "GET /d HTTP/1.1\r\nconnection: CLOSE\r\n\r\n");
        assertThat(reading.heads()).containsExactly("GET /a HTTP/1.0 NONE close", "GET /b HTTP/1.0 NONE",
                "GET /c HTTP/1.1 NONE", "GET /d HTTP/1.1 NONE close");
    }

    @Test
    void decodesATargetSentAsUtf8() {
        Reading reading = readEveryWay(new String("GET /caf\u00e9 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1));
        assertThat(reading.heads()).containsExactly("GET /caf\u00e9 HTTP/1.1 NONE");
    }

    @Test
    void stopsAtWhatIsNotHttp1() {
        // TLS: the first byte is not a method's.
        Reading tls = readEveryWay("\u0016\u0003\u0001\u0002\u0000\u0001GET / HTTP/1.1\r\n\r\n");
        assertThat(tls.heads()).isEmpty();
        assertThat(tls.stopped()).isTrue();
        assertThat(tls.http()).isFalse();
        // The HTTP/2 preface: a request line whose version is not HTTP/1.x.
        Reading h2 = readEveryWay("GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        assertThat(h2.heads()).containsExactly("GET / HTTP/1.1 NONE upgrade=h2c");
        assertThat(h2.stopped()).isTrue();
        // A request line of more or fewer than three parts.
        assertThat(readEveryWay("GET  / HTTP/1.1\r\n\r\n").stopped()).isTrue();
        assertThat(readEveryWay("GET /\r\n\r\n").stopped()).isTrue();
        // A Content-Length that is not a number.
        Reading badLength = readEveryWay("POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n");
        assertThat(badLength.heads()).isEmpty();
        assertThat(badLength.stopped()).isTrue();
        // A chunk size that is not hex.
        assertThat(readEveryWay("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").stopped()).isTrue();
        // A tunnel: what follows CONNECT is not HTTP to the link.
        Reading tunnel = readEveryWay("CONNECT api.example:443 HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n");
        assertThat(tunnel.heads()).containsExactly("CONNECT api.example:443 HTTP/1.1 NONE");
        assertThat(tunnel.stopped()).isTrue();
    }

    @Test
    void givesUpOnAHeadLongerThan64KiB() {
        String header = "X-Long: " + "a".repeat(1_000) + "\r\n";
        byte[] bytes = ("GET / HTTP/1.1\r\n" + header.repeat(70) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        Reading reading = read(bytes);
        assertThat(reading.heads()).isEmpty();
        assertThat(reading.stopped()).isTrue();
        assertThat(read(("GET / HTTP/1.1\r\n" + header.repeat(60) + "\r\n").getBytes(StandardCharsets.ISO_8859_1)).heads())
                .containsExactly("GET / HTTP/1.1 NONE");
    }

    @Test
    void aHeadNotYetCompleteIsNotReported() {
        Reading reading = readEveryWay("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n");
        assertThat(reading.heads()).containsExactly("GET /a HTTP/1.1 NONE");
        assertThat(reading.stopped()).isFalse();
    }
}
