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
    private final StringBuilder line = new StringBuilder();
    private StringBuilder head = new StringBuilder();
    private long remaining;
    private boolean seenAny;
    private boolean http;

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
                default -> {
                    byte b = buf.getByte(index++);
                    onByte(b);
                }
            }
        }
    }

    private void onByte(byte b) {
        switch (state) {
            case HEAD -> {
                if (head.length() == 0 && (b == '\r' || b == '\n')) {
                    return; // empty lines between requests are allowed
                }
                if (head.length() == 0 && (b < 'A' || b > 'Z')) {
                    stop(); // not a method: TLS, binary, garbage
                    return;
                }
                head.append((char) (b & 0xff));
                if (head.length() > MAX_HEAD) {
                    stop();
                } else if (b == '\n' && endsWithBlankLine(head)) {
                    onHead(head.toString());
                    head = new StringBuilder();
                }
            }
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

    private static boolean endsWithBlankLine(StringBuilder text) {
        int n = text.length();
        return (n >= 2 && text.charAt(n - 2) == '\n') || (n >= 3 && text.charAt(n - 3) == '\n' && text.charAt(n - 2) == '\r');
    }

    private void onHead(String text) {
        String[] lines = text.split("\r?\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || requestLine[0].isEmpty()) {
            stop(); // e.g. "PRI * HTTP/2.0": the HTTP/2 preface after an h2c upgrade
            return;
        }
        long length = 0;
        boolean chunked = false;
        boolean expectContinue = false;
        String upgrade = null;
        // HTTP/1.0 closes after each request unless asked to keep the connection; HTTP/1.1 the other way round
        boolean close = requestLine[2].equals("HTTP/1.0");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).strip();
            String lower = value.toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        stop();
                        return;
                    }
                }
                case "transfer-encoding" -> chunked = lower.endsWith("chunked");
                case "expect" -> expectContinue = lower.equals("100-continue");
                case "upgrade" -> upgrade = value;
                case "connection" -> {
                    if (lower.contains("close")) {
                        close = true;
                    } else if (lower.contains("keep-alive")) {
                        close = false;
                    }
                }
                default -> { }
            }
        }
        http = true;
        // RFC 9112 6.3: chunked framing wins over a Content-Length sent with it
        LinkConnection.BodyFraming body = chunked ? LinkConnection.BodyFraming.CHUNKED
                : length > 0 ? LinkConnection.BodyFraming.LENGTH : LinkConnection.BodyFraming.NONE;
        listener.head(new LinkConnection.RequestHead(Instant.now(), requestLine[0],
                new String(requestLine[1].getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
                requestLine[2], body, expectContinue, upgrade, close));
        // What follows a head: its body (a client that sent Expect: 100-continue sends it once the server
        // said 100, or closes the connection), then the next head. An upgrade the server accepts (101) is
        // followed by the new protocol, whose first bytes are not a request line and stop the reading.
        if (requestLine[0].equals("CONNECT")) {
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

    /** Stops reading for good (the bytes are not HTTP/1.x, or reading them failed). */
    void stopReading() {
        stop();
    }

    private void stop() {
        state = State.STOPPED;
        head = new StringBuilder();
    }
}
