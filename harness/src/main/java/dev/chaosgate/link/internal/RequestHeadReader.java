package dev.chaosgate.link.internal;

import dev.chaosgate.link.LinkConnection;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * Reads the request heads out of the bytes a client sends through a link, without touching them:
 * plain HTTP/1.x only, bodies skipped by {@code Content-Length} or chunked framing. Anything else (TLS,
 * the HTTP/2 preface after an upgrade, a malformed head) stops it for good. Runs on the connection's
 * event loop; not thread-safe.
 */
final class RequestHeadReader {
    /** A head longer than this is not a request the link cares to read. */
    private static final int MAX_HEAD = 64 * 1024;

    /** Hears each complete head. */
    interface Listener {
        void head(LinkConnection.RequestHead head);
    }

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, STOPPED }

    private final Listener listener;
    private State state = State.HEAD;
    /** The line being read: of the head, a chunk size or a trailer. */
    private final StringBuilder line = new StringBuilder();
    /** Bytes of the head so far, its line ends included; 0 between heads. */
    private int headBytes;
    private long remaining;
    private boolean seenAny;
    private boolean http;
    // The head being read, one line at a time: its request line, then what its header lines said.
    private String method;
    private String target;
    private String version;
    private long length;
    private boolean chunked;
    private boolean expectContinue;
    private String upgrade;
    private boolean close;

    RequestHeadReader(Listener listener) {
        this.listener = listener;
    }

    /** Whether the bytes so far were HTTP/1.x requests (false before any byte, and once stopped). */
    boolean http() {
        return http && state != State.STOPPED;
    }

    boolean stopped() {
        return state == State.STOPPED;
    }

    boolean seenAny() {
        return seenAny;
    }

    /** Reads {@code buf}'s readable bytes without consuming them. */
    void read(ByteBuf buf) {
        int index = buf.readerIndex();
        int end = buf.writerIndex();
        if (index < end) {
            seenAny = true;
        }
        while (index < end && state != State.STOPPED) {
            switch (state) {
                case BODY, CHUNK_DATA -> {
                    int skip = (int) Math.min(remaining, end - index);
                    index += skip;
                    remaining -= skip;
                    if (remaining == 0) {
                        state = state == State.BODY ? State.HEAD : State.CHUNK_END;
                    }
                }
                case HEAD -> index = headBytes(buf, index, end);
                default -> {
                    byte b = buf.getByte(index++);
                    onByte(b);
                }
            }
        }
    }

    /**
     * Reads the head's bytes from {@code index} up to the end of a line (or of the buffer), a whole run at a
     * time, and returns where it stopped: the head is read once per request on every kept-alive connection.
     */
    private int headBytes(ByteBuf buf, int index, int end) {
        if (headBytes == 0) {
            // Before a head: empty lines between requests are allowed; then a method's first letter, or not HTTP.
            byte first = buf.getByte(index);
            if (first == '\r' || first == '\n') {
                return index + 1;
            }
            if (first < 'A' || first > 'Z') {
                stop(); // TLS, binary, garbage
                return end;
            }
        }
        int lineEnd = buf.indexOf(index, end, (byte) '\n');
        int upTo = lineEnd < 0 ? end : lineEnd;
        if (headBytes + (upTo - index) + (lineEnd < 0 ? 0 : 1) > MAX_HEAD) {
            stop(); // not a request the link cares to read
            return end;
        }
        headBytes += upTo - index;
        for (int i = index; i < upTo; i++) {
            line.append((char) (buf.getByte(i) & 0xff));
        }
        if (lineEnd < 0) {
            return end;
        }
        headBytes++;
        int length = line.length();
        if (length > 0 && line.charAt(length - 1) == '\r') {
            line.setLength(length - 1);
        }
        String text = line.toString();
        line.setLength(0);
        headLine(text);
        return lineEnd + 1;
    }

    /** One line of the head, its line end removed: the request line, a header, or the empty line that ends it. */
    private void headLine(String text) {
        if (method == null) {
            requestLine(text);
        } else if (text.isEmpty()) {
            headEnd();
        } else {
            header(text);
        }
    }

    private void requestLine(String text) {
        String[] parts = text.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.") || parts[0].isEmpty()) {
            stop(); // e.g. "PRI * HTTP/2.0": the HTTP/2 preface after an h2c upgrade
            return;
        }
        method = parts[0];
        target = parts[1];
        version = parts[2];
        length = 0;
        chunked = false;
        expectContinue = false;
        upgrade = null;
        // HTTP/1.0 closes after each request unless asked to keep the connection; HTTP/1.1 the other way round
        close = version.equals("HTTP/1.0");
    }

    private void header(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return;
        }
        int nameStart = 0;
        int nameEnd = colon;
        while (nameStart < nameEnd && Character.isWhitespace(text.charAt(nameStart))) {
            nameStart++;
        }
        while (nameEnd > nameStart && Character.isWhitespace(text.charAt(nameEnd - 1))) {
            nameEnd--;
        }
        // Most headers are none of these: tell them apart without copying their names.
        int nameLength = nameEnd - nameStart;
        if (named(text, nameStart, nameLength, "content-length")) {
            try {
                length = Long.parseLong(value(text, colon));
            } catch (NumberFormatException e) {
                stop();
            }
        } else if (named(text, nameStart, nameLength, "transfer-encoding")) {
            chunked = lowerValue(text, colon).endsWith("chunked");
        } else if (named(text, nameStart, nameLength, "expect")) {
            expectContinue = lowerValue(text, colon).equals("100-continue");
        } else if (named(text, nameStart, nameLength, "upgrade")) {
            upgrade = value(text, colon);
        } else if (named(text, nameStart, nameLength, "connection")) {
            String value = lowerValue(text, colon);
            if (value.contains("close")) {
                close = true;
            } else if (value.contains("keep-alive")) {
                close = false;
            }
        }
    }

    private static boolean named(String text, int start, int length, String name) {
        return length == name.length() && text.regionMatches(true, start, name, 0, length);
    }

    private static String value(String text, int colon) {
        return text.substring(colon + 1).strip();
    }

    private static String lowerValue(String text, int colon) {
        return value(text, colon).toLowerCase(Locale.ROOT);
    }

    private void headEnd() {
        http = true;
        headBytes = 0;
        String requestMethod = method;
        method = null;
        // RFC 9112 6.3: chunked framing wins over a Content-Length sent with it
        LinkConnection.BodyFraming body = chunked ? LinkConnection.BodyFraming.CHUNKED
                : length > 0 ? LinkConnection.BodyFraming.LENGTH : LinkConnection.BodyFraming.NONE;
        listener.head(new LinkConnection.RequestHead(Instant.now(), requestMethod,
                new String(target.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
                version, body, expectContinue, upgrade, close));
        // What follows a head: its body (a client that sent Expect: 100-continue sends it once the server
        // said 100, or closes the connection), then the next head. An upgrade the server accepts (101) is
        // followed by the new protocol, whose first bytes are not a request line and stop the reading.
        if (requestMethod.equals("CONNECT")) {
            stop(); // a tunnel: what follows is not HTTP to this link
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (length > 0) {
            remaining = length;
            state = State.BODY;
        } else {
            state = State.HEAD;
        }
    }

    private void onByte(byte b) {
        switch (state) {
            case CHUNK_SIZE -> lineByte(b, this::onChunkSize);
            case CHUNK_END -> {
                if (b == '\n') {
                    state = State.CHUNK_SIZE;
                }
            }
            case TRAILERS -> lineByte(b, text -> {
                if (text.isEmpty()) {
                    state = State.HEAD;
                }
            });
            default -> { }
        }
    }

    private void lineByte(byte b, java.util.function.Consumer<String> onLine) {
        if (b == '\n') {
            String text = line.toString().strip();
            line.setLength(0);
            onLine.accept(text);
        } else if (line.length() < 1024) {
            line.append((char) (b & 0xff));
        } else {
            stop();
        }
    }

    private void onChunkSize(String text) {
        int extension = text.indexOf(';');
        String hex = (extension < 0 ? text : text.substring(0, extension)).strip();
        try {
            long size = Long.parseLong(hex, 16);
            if (size < 0) {
                stop();
            } else if (size == 0) {
                state = State.TRAILERS;
            } else {
                remaining = size;
                state = State.CHUNK_DATA;
            }
        } catch (NumberFormatException e) {
            stop();
        }
    }

    /** Stops reading for good (the bytes are not HTTP/1.x, or reading them failed). */
    void stopReading() {
        stop();
    }

    private void stop() {
        state = State.STOPPED;
        line.setLength(0);
        method = null;
    }
}
