package dev.chaosgate.reliability;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One kept-alive HTTP/1.1 connection of a soak client, on a plain socket so that every byte that
 * arrives is seen: the answer is read by its own framing (Content-Length or chunked), and an
 * answer that stops early is reported as broken with what did arrive, never as an answer.
 */
final class SoakConnection implements AutoCloseable {
    /** The request header carrying each request's soak id, which is also its {@code model}. */
    static final String ID_HEADER = "x-soak-id";

    /** How one answer ended. */
    enum Ending {
        /** The message ended as its framing says (the last chunk, or Content-Length bytes). */
        COMPLETE,
        /** End of stream or a reset before the message ended (possibly before its first byte). */
        BROKEN,
        /** Nothing more arrived for the read timeout. */
        TIMED_OUT,
        /** Bytes that are not an HTTP/1.1 answer. */
        MALFORMED
    }

    /**
     * What came back for one request.
     *
     * @param status      the status, or 0 when no status line arrived
     * @param contentType the {@code content-type} header, or null
     * @param body        the body's bytes: for a chunked body only the chunks that arrived whole
     * @param ending      how it ended
     * @param bytes       bytes of this answer that arrived (status line and headers included)
     * @param detail      why it is broken or malformed, for reports; null when complete
     * @param keepAlive   whether the connection can carry the next request
     */
    record Answer(int status, String contentType, byte[] body, Ending ending, long bytes, String detail, boolean keepAlive) {
        boolean complete() {
            return ending == Ending.COMPLETE;
        }
    }

    private final Socket socket;
    private final CountingStream counted;
    private final InputStream in;
    private final OutputStream out;
    private final StringBuilder line = new StringBuilder();
    private int requests;

    SoakConnection(int port, int readTimeoutMillis) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(readTimeoutMillis);
        counted = new CountingStream(socket.getInputStream());
        in = new BufferedInputStream(counted, 16 * 1024);
        out = socket.getOutputStream();
    }

    /** This end's port: the link journals it as the connection's {@code clientPort}. */
    int localPort() {
        return socket.getLocalPort();
    }

    /** Bytes received on this connection so far, whatever they were. */
    long bytesReceived() {
        return counted.count;
    }

    /** Requests sent on this connection so far, the one in flight included. */
    int requests() {
        return requests;
    }

    /** Sends {@code request} (a whole HTTP/1.1 request) and reads its answer. */
    Answer exchange(byte[] request) {
        requests++;
        long start = counted.count;
        try {
            out.write(request);
            out.flush();
        } catch (IOException e) {
            return broken(0, null, new ByteArrayOutputStream(), start, "write failed: " + e.getMessage());
        }
        int status = 0;
        String contentType = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream(8 * 1024);
        try {
            String statusLine = readLine();
            if (statusLine == null) {
                return broken(0, null, body, start, "end of stream before the status line");
            }
            if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
                return malformed(0, body, start, "not a status line: '" + clip(statusLine) + "'");
            }
            status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = readLine(); ; header = readLine()) {
                if (header == null) {
                    return broken(status, null, body, start, "end of stream in the headers");
                }
                if (header.isEmpty()) {
                    break;
                }
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    return malformed(status, body, start, "not a header: '" + clip(header) + "'");
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    case "content-type" -> contentType = value;
                    default -> { }
                }
            }
            if (chunked) {
                while (true) {
                    String sizeLine = readLine();
                    if (sizeLine == null) {
                        return broken(status, contentType, body, start, "end of stream between chunks");
                    }
                    int size = Integer.parseInt(sizeLine.trim(), 16);
                    if (size == 0) {
                        if (readLine() == null) {
                            return broken(status, contentType, body, start, "end of stream after the last chunk");
                        }
                        break;
                    }
                    byte[] chunk = in.readNBytes(size);
                    if (chunk.length < size) {
                        return broken(status, contentType, body, start,
                                "end of stream inside a chunk (" + chunk.length + " of " + size + " bytes)");
                    }
                    body.write(chunk);
                    String end = readLine();
                    if (end == null) {
                        return broken(status, contentType, body, start, "end of stream after a chunk");
                    }
                    if (!end.isEmpty()) {
                        return malformed(status, body, start, "chunk not followed by CRLF");
                    }
                }
            } else if (length >= 0) {
                byte[] all = in.readNBytes((int) length);
                body.write(all);
                if (all.length < length) {
                    return broken(status, contentType, body, start, "end of stream after " + all.length + " of " + length + " body bytes");
                }
            } else {
                return malformed(status, body, start, "neither Content-Length nor chunked");
            }
            return new Answer(status, contentType, body.toByteArray(), Ending.COMPLETE, counted.count - start, null, !close);
        } catch (SocketTimeoutException e) {
            return new Answer(status, contentType, body.toByteArray(), Ending.TIMED_OUT, counted.count - start,
                    "nothing for " + readTimeout() + " ms", false);
        } catch (NumberFormatException e) {
            return malformed(status, body, start, "bad number: " + e.getMessage());
        } catch (IOException e) {
            return broken(status, contentType, body, start, e.getMessage());
        }
    }

    private int readTimeout() {
        try {
            return socket.getSoTimeout();
        } catch (IOException e) {
            return -1;
        }
    }

    private Answer broken(int status, String contentType, ByteArrayOutputStream body, long start, String detail) {
        return new Answer(status, contentType, body.toByteArray(), Ending.BROKEN, counted.count - start, detail, false);
    }

    private Answer malformed(int status, ByteArrayOutputStream body, long start, String detail) {
        return new Answer(status, null, body.toByteArray(), Ending.MALFORMED, counted.count - start, detail, false);
    }

    /** One CRLF-terminated line (ISO-8859-1), or null at end of stream; a bare LF ends a line too. */
    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                int last = line.length() - 1;
                if (last >= 0 && line.charAt(last) == '\r') {
                    line.setLength(last);
                }
                return line.toString();
            }
            if (line.length() > 8192) {
                throw new IOException("line longer than 8 KiB");
            }
            line.append((char) b);
        }
    }

    private static String clip(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    /** A request for {@code path} with a JSON body, as bytes. */
    static byte[] post(int port, String path, String soakId, String json) {
        byte[] content = json.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer sk-soak\r\n" + ID_HEADER + ": " + soakId + "\r\nContent-Length: "
                + content.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + content.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(content, 0, request, head.length, content.length);
        return request;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is left to do with it
        }
    }

    /** Counts what is read from the socket, under the buffer, so the count is what the link sent. */
    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
