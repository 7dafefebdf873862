package dev.chaosgate.reliability;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client would send: the bytes go out exactly as
 * given and the answer is read without trusting it (a missing answer, a partial one, a reset are
 * outcomes, not exceptions). Every write is guarded by a watchdog that closes the socket, so a
 * server that stops reading can never hang the fuzzer.
 */
final class Wire {
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 4 << 20;

    private Wire() {
    }

    enum Outcome {
        /** A complete answer. */
        ANSWERED,
        /** The connection ended (FIN or reset) before the first byte of an answer. */
        NO_ANSWER,
        /** Some bytes, but not a complete answer. */
        PARTIAL,
        /** Nothing within the read timeout, connection still open. */
        TIMEOUT
    }

    /** Sends {@code request} with {@code client} and reads the answer as a {@link Reply}, as the raw sockets do. */
    static Reply send(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            List<String[]> headers = new ArrayList<>();
            response.headers().map().forEach((k, values) -> values.forEach(v -> headers.add(new String[] {k, v})));
            return new Reply(Outcome.ANSWERED, response.statusCode(), headers, response.body(), false, null);
        } catch (IOException e) {
            return Reply.failed(Outcome.NO_ANSWER, "java.net.http: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One answer, or why there is none. Header names keep the case the server wrote. */
    record Reply(Outcome outcome, int status, List<String[]> headers, byte[] body, boolean sawContinue, String problem) {
        static Reply failed(Outcome outcome, String problem) {
            return new Reply(outcome, 0, List.of(), new byte[0], false, problem);
        }

        boolean answered() {
            return outcome == Outcome.ANSWERED;
        }

        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        int headerCount(String name) {
            int n = 0;
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    n++;
                }
            }
            return n;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            if (!answered()) {
                return outcome + (problem == null ? "" : " (" + problem + ")");
            }
            StringBuilder out = new StringBuilder().append(status);
            for (String[] h : headers) {
                if (!h[0].equalsIgnoreCase("Date") && !h[0].equalsIgnoreCase("X-Toxiproxy-Request-Id")) {
                    out.append(" | ").append(h[0]).append(": ").append(h[1]);
                }
            }
            return out.append(" | ").append(Violations.shorten(text())).toString();
        }
    }

    /** One connection, for one request or several in a row (keep-alive). */
    static final class Conn implements Closeable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final ScheduledExecutorService watchdog;
        private final int timeoutMillis;

        Conn(int port, int timeoutMillis, ScheduledExecutorService watchdog) throws IOException {
            this.socket = new Socket();
            this.watchdog = watchdog;
            this.timeoutMillis = timeoutMillis;
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        /**
         * Writes {@code request} (then half-closes when {@code shutdownOutput}) and reads one answer.
         * {@code headRequest}: the answer has no body whatever its headers say.
         */
        Reply exchange(byte[] request, boolean headRequest, boolean shutdownOutput) {
            String writeProblem = null;
            ScheduledFuture<?> guard = watchdog.schedule(this::close, timeoutMillis * 2L, TimeUnit.MILLISECONDS);
            try {
                out.write(request);
                out.flush();
                if (shutdownOutput) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may have answered and closed before reading everything: read what came.
                writeProblem = "write failed: " + e.getMessage();
            } finally {
                guard.cancel(false);
            }
            Reply reply = read(headRequest);
            if (!reply.answered() && writeProblem != null) {
                return Reply.failed(reply.outcome(), writeProblem + "; " + reply.problem());
            }
            return reply;
        }

        /** Reads one answer, skipping 1xx interim ones. */
        Reply read(boolean headRequest) {
            boolean sawContinue = false;
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            try {
                while (true) {
                    String head = readHead(seen);
                    if (head == null) {
                        return seen.size() == 0 ? Reply.failed(Outcome.NO_ANSWER, "closed before any answer")
                                : Reply.failed(Outcome.PARTIAL, "closed mid-head: " + seen.toString(StandardCharsets.ISO_8859_1));
                    }
                    String[] lines = head.split("\r\n");
                    String[] statusLine = lines[0].split(" ", 3);
                    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.") || !statusLine[1].matches("\\d{3}")) {
                        return Reply.failed(Outcome.PARTIAL, "not a status line: " + lines[0]);
                    }
                    int status = Integer.parseInt(statusLine[1]);
                    List<String[]> headers = new ArrayList<>();
                    for (int i = 1; i < lines.length; i++) {
                        int colon = lines[i].indexOf(':');
                        if (colon <= 0) {
                            return Reply.failed(Outcome.PARTIAL, "not a header line: " + lines[i]);
                        }
                        headers.add(new String[] {lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()});
                    }
                    if (status >= 100 && status < 200) {
                        sawContinue |= status == 100;
                        seen.reset();
                        continue;
                    }
                    Reply shell = new Reply(Outcome.ANSWERED, status, headers, new byte[0], sawContinue, null);
                    byte[] body;
                    String length = shell.header("Content-Length");
                    if (headRequest || status == 204 || status == 304) {
                        body = new byte[0];
                    } else if ("chunked".equalsIgnoreCase(shell.header("Transfer-Encoding"))) {
                        body = readChunked();
                    } else if (length != null) {
                        int n = Integer.parseInt(length);
                        body = in.readNBytes(n);
                        if (body.length != n) {
                            return Reply.failed(Outcome.PARTIAL, "closed after " + body.length + " of " + n + " body bytes");
                        }
                    } else {
                        body = in.readNBytes(MAX_BODY_BYTES);
                    }
                    return new Reply(Outcome.ANSWERED, status, headers, body, sawContinue, null);
                }
            } catch (SocketTimeoutException e) {
                return seen.size() == 0 ? Reply.failed(Outcome.TIMEOUT, "no answer within " + timeoutMillis + " ms")
                        : Reply.failed(Outcome.PARTIAL, "stalled after: " + seen.toString(StandardCharsets.ISO_8859_1));
            } catch (IOException | RuntimeException e) {
                return seen.size() == 0 ? Reply.failed(Outcome.NO_ANSWER, String.valueOf(e.getMessage()))
                        : Reply.failed(Outcome.PARTIAL, e.getMessage() + " after: " + seen.toString(StandardCharsets.ISO_8859_1));
            }
        }

        /** Whether the server has closed its side: end of stream (or a reset) within {@code millis}. */
        boolean closedByServer(int millis) {
            try {
                socket.setSoTimeout(millis);
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            } finally {
                try {
                    socket.setSoTimeout(timeoutMillis);
                } catch (IOException ignored) {
                    // closed: the next exchange says so
                }
            }
        }

        boolean isClosed() {
            return socket.isClosed();
        }

        private String readHead(ByteArrayOutputStream seen) throws IOException {
            int last = 0;
            while (last != 0x0d0a0d0a) {
                int c = in.read();
                if (c < 0) {
                    return null;
                }
                seen.write(c);
                if (seen.size() > MAX_HEAD_BYTES) {
                    throw new IOException("answer head over " + MAX_HEAD_BYTES + " bytes");
                }
                last = (last << 8) | c;
            }
            String text = seen.toString(StandardCharsets.ISO_8859_1);
            return text.substring(0, text.length() - 4);
        }

        private byte[] readChunked() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine();
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers: none expected, skipped
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(size));
                readLine();
            }
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (c < 0) {
                throw new IOException("closed mid-chunk");
            }
            return line.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do with it
            }
        }
    }

    /** A request head: request line and headers, each line ended by CRLF, then the empty line. */
    static byte[] request(String requestLine, List<String[]> headers, byte[] body) {
        StringBuilder head = new StringBuilder(requestLine).append("\r\n");
        for (String[] h : headers) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        head.append("\r\n");
        return concat(head.toString().getBytes(StandardCharsets.UTF_8), body == null ? new byte[0] : body);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** {@code body} as one chunk (or several, split at {@code cut}) and the last chunk. */
    static byte[] chunked(byte[] body, int cut) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int split = Math.max(0, Math.min(cut, body.length));
        for (int[] range : new int[][] {{0, split}, {split, body.length}}) {
            int n = range[1] - range[0];
            if (n > 0) {
                out.writeBytes((Integer.toHexString(n).toUpperCase(Locale.ROOT) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, range[0], n);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
