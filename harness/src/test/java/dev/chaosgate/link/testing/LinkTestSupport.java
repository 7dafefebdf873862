package dev.chaosgate.link.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.link.ToxicDefinition;
import dev.chaosgate.link.ToxicStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Per-test fixtures for data-plane tests over real loopback sockets: a {@link LinkEngine} with a
 * fixed seed, an {@link EchoServer} and a {@link SinkServer} upstream, and client sockets, all
 * closed after each test.
 */
public abstract class LinkTestSupport {
    /** The seed of {@link #engine}; fixed so toxicity rolls and random sizes repeat run to run. */
    protected static final long SEED = 20240611L;
    protected static final Duration SHORT = Duration.ofSeconds(1);
    protected static final Duration LONG = Duration.ofSeconds(10);

    protected LinkEngine engine;
    protected EchoServer echo;
    protected SinkServer sink;

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private ThreadPoolExecutor threads;

    @BeforeEach
    void startLinkFixtures() throws IOException {
        threads = TestThreads.bounded("test", 32);
        engine = track(new LinkEngine(SEED));
        echo = track(EchoServer.start());
        sink = track(SinkServer.start());
    }

    @AfterEach
    void closeLinkFixtures() {
        threads.shutdownNow();
        // Clients first, then servers, then the engine (in reverse order of creation); closing the
        // sockets also ends the test threads blocked reading or writing them.
        AutoCloseable closeable;
        while ((closeable = closeables.pollLast()) != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // keep closing the rest
            }
        }
        TestThreads.shutdown(threads);
    }

    /** Closes {@code closeable} after the test, before everything created earlier. */
    protected <T extends AutoCloseable> T track(T closeable) {
        closeables.addLast(closeable);
        return closeable;
    }

    /** Runs work on a bounded test thread; the thread is interrupted after the test. */
    protected <T> Future<T> background(Callable<T> task) {
        return threads.submit(task);
    }

    // ---- proxies and toxics ----

    protected int proxyToEcho(String name) {
        return engine.createProxy(name, "127.0.0.1:0", echo.address(), true).listenPort();
    }

    protected int proxyToSink(String name) {
        return engine.createProxy(name, "127.0.0.1:0", sink.address(), true).listenPort();
    }

    protected ToxicDefinition addToxic(String proxy, String name, String type, ToxicStream stream,
                                       Map<String, Long> attributes) {
        return engine.addToxic(proxy, name, type, stream, 1f, attributes);
    }

    // ---- clients ----

    /** A plain client socket (TCP_NODELAY, 5 s read timeout), closed after the test. */
    protected Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        track(socket);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5_000);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        return socket;
    }

    /** A client whose reads are recorded in the background. */
    protected TcpPeer connectRecording(int port) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        return track(new TcpPeer(socket, threads));
    }

    /** A loopback port nothing listens on (bound once, then released). */
    protected static int unusedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    // ---- data ----

    /** {@code length} pseudo-random bytes, the same for the same {@code seed}. */
    public static byte[] pattern(int length, long seed) {
        byte[] data = new byte[length];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < length; i += 8) {
            long value = random.nextLong();
            for (int j = 0; j < 8 && i + j < length; j++) {
                data[i + j] = (byte) (value >>> (8 * j));
            }
        }
        return data;
    }

    /** Reads exactly {@code count} bytes, failing on EOF or the socket's read timeout. */
    public static byte[] readExactly(Socket socket, int count) throws IOException {
        byte[] data = new byte[count];
        InputStream in = socket.getInputStream();
        int done = 0;
        while (done < count) {
            int n = in.read(data, done, count - done);
            if (n < 0) {
                fail("EOF after " + done + " of " + count + " bytes");
            }
            done += n;
        }
        return data;
    }

    /** Writes {@code payload}, reads it back, and returns the round trip in ms. */
    public static long roundTripMillis(Socket socket, byte[] payload) throws IOException {
        long start = System.nanoTime();
        socket.getOutputStream().write(payload);
        byte[] back = readExactly(socket, payload.length);
        long elapsed = Timing.millisSince(start);
        assertThat(back).isEqualTo(payload);
        return elapsed;
    }

    /** Asserts the next read returns EOF within {@code within}; returns the ms it took. */
    public static long assertEof(Socket socket, Duration within) throws IOException {
        long start = System.nanoTime();
        int old = socket.getSoTimeout();
        socket.setSoTimeout((int) within.toMillis());
        try {
            int b = socket.getInputStream().read();
            assertThat(b).as("expected EOF").isEqualTo(-1);
            return Timing.millisSince(start);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("expected EOF within " + within + " but the connection stayed open", e);
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(old);
            }
        }
    }

    /** Asserts nothing arrives and the connection stays open for {@code duration}. */
    public static void assertSilentAndOpen(Socket socket, Duration duration) throws IOException {
        int old = socket.getSoTimeout();
        socket.setSoTimeout((int) duration.toMillis());
        try {
            int b = socket.getInputStream().read();
            fail(b < 0 ? "the connection closed (EOF) within " + duration
                    : "a byte arrived within " + duration + " but none was expected");
        } catch (SocketTimeoutException expected) {
            // silent and open
        } finally {
            socket.setSoTimeout(old);
        }
    }
}
