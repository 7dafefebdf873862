package dev.chaosgate.link.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A loopback upstream that records what it receives (a sink) and sends what a test tells it to
 * (a source): every accepted connection becomes a {@link TcpPeer} the test can wait for.
 */
public final class SinkServer implements AutoCloseable {
    private static final int MAX_CONNECTIONS = 64;

    private final ServerSocket server;
    private final ThreadPoolExecutor workers = TestThreads.bounded("sink", MAX_CONNECTIONS + 1);
    private final LinkedBlockingQueue<TcpPeer> fresh = new LinkedBlockingQueue<>();
    private final List<TcpPeer> peers = new CopyOnWriteArrayList<>();

    private SinkServer() throws IOException {
        server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        workers.execute(this::acceptLoop);
    }

    public static SinkServer start() throws IOException {
        return new SinkServer();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Every connection accepted so far. */
    public List<TcpPeer> peers() {
        return List.copyOf(peers);
    }

    /** The next connection accepted (in accept order), waiting up to {@code timeout}. */
    public TcpPeer awaitPeer(Duration timeout) throws InterruptedException {
        TcpPeer peer = fresh.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (peer == null) {
            throw new AssertionError("the upstream accepted no connection within " + timeout);
        }
        return peer;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                try {
                    TcpPeer peer = new TcpPeer(socket, workers);
                    peers.add(peer);
                    fresh.add(peer);
                } catch (IOException e) {
                    socket.close();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // best effort
        }
        peers.forEach(TcpPeer::close);
        TestThreads.shutdown(workers);
    }
}
