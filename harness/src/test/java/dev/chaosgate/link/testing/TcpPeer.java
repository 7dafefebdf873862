package dev.chaosgate.link.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One end of a TCP connection whose reads are recorded by a background thread: every byte, the size
 * and time of every read, and how the stream ended (EOF or an error such as a reset).
 */
public final class TcpPeer implements AutoCloseable {

    /** One {@code read} call: how many bytes it returned and when ({@link System#nanoTime()}). */
    public record Read(int size, long nanos) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final Object lock = new Object();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Read> reads = new ArrayList<>();
    private long endNanos = -1;
    private IOException failure;
    private volatile boolean closedLocally;

    TcpPeer(Socket socket, Executor executor) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        try {
            executor.execute(this::readLoop);
        } catch (RejectedExecutionException e) {
            socket.close();
            throw new IOException("no thread left to read a test connection", e);
        }
    }

    public Socket socket() {
        return socket;
    }

    private void readLoop() {
        byte[] buffer = new byte[64 * 1024];
        IOException error = null;
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                long now = System.nanoTime();
                synchronized (lock) {
                    received.write(buffer, 0, n);
                    reads.add(new Read(n, now));
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            error = e;
        } finally {
            long now = System.nanoTime();
            synchronized (lock) {
                endNanos = now;
                failure = closedLocally ? null : error;
                lock.notifyAll();
            }
        }
    }

    public void send(byte[] data) throws IOException {
        out.write(data);
        out.flush();
    }

    /** Shuts this side's output (the other side reads EOF) and keeps reading; returns the time just before. */
    public long halfClose() throws IOException {
        long now = System.nanoTime();
        socket.shutdownOutput();
        return now;
    }

    /** When the stream ended (EOF or error), or -1 while it is open. */
    public long endNanos() {
        synchronized (lock) {
            return endNanos;
        }
    }

    /** Writes and returns the time just before the write. */
    public long sendTimed(byte[] data) throws IOException {
        long now = System.nanoTime();
        send(data);
        return now;
    }

    public byte[] received() {
        synchronized (lock) {
            return received.toByteArray();
        }
    }

    public int receivedCount() {
        synchronized (lock) {
            return received.size();
        }
    }

    public List<Read> reads() {
        synchronized (lock) {
            return List.copyOf(reads);
        }
    }

    public boolean ended() {
        synchronized (lock) {
            return endNanos >= 0;
        }
    }

    /** The error that ended the stream (e.g. a reset), null for a clean EOF or while open. */
    public IOException failure() {
        synchronized (lock) {
            return failure;
        }
    }

    /** Waits until at least {@code count} bytes arrived; returns the time of the read that completed them. */
    public long awaitReceived(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (received.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || endNanos >= 0) {
                    if (received.size() >= count) {
                        break;
                    }
                    throw new AssertionError("expected " + count + " bytes within " + timeout + " but got "
                            + received.size() + (endNanos >= 0 ? " before the stream ended (" + failure + ")" : ""));
                }
                waitNanos(left);
            }
            return timeWhenReceived(count);
        }
    }

    /** The time of the read that brought the total to at least {@code count} bytes, or -1. */
    public long timeWhenReceived(int count) {
        synchronized (lock) {
            long total = 0;
            for (Read read : reads) {
                total += read.size();
                if (total >= count) {
                    return read.nanos();
                }
            }
            return -1;
        }
    }

    /** Waits until the stream ends (EOF or error); returns when it ended. */
    public long awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (endNanos < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected the stream to end within " + timeout + "; received "
                            + received.size() + " bytes");
                }
                waitNanos(left);
            }
            return endNanos;
        }
    }

    private void waitNanos(long nanos) throws InterruptedException {
        long millis = Math.max(1, nanos / 1_000_000);
        lock.wait(millis);
    }

    @Override
    public void close() {
        closedLocally = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
