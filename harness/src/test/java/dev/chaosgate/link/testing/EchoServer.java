package dev.chaosgate.link.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback upstream that writes back whatever it reads, one bounded pool thread per connection. */
public final class EchoServer implements AutoCloseable {
    private static final int MAX_CONNECTIONS = 128;

    private final ServerSocket server;
    private final ThreadPoolExecutor workers = TestThreads.bounded("echo", MAX_CONNECTIONS + 1);
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();

    private EchoServer() throws IOException {
        server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        workers.execute(this::acceptLoop);
    }

    public static EchoServer start() throws IOException {
        return new EchoServer();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, the upstream to give a proxy. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                socket.setTcpNoDelay(true);
                sockets.add(socket);
                try {
                    workers.execute(() -> echo(socket));
                } catch (RejectedExecutionException e) {
                    close(socket);
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echo(Socket socket) {
        byte[] buffer = new byte[64 * 1024];
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // the proxy closed or reset the connection
        } finally {
            sockets.remove(socket);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // best effort
        }
        sockets.forEach(EchoServer::close);
        TestThreads.shutdown(workers);
    }
}
