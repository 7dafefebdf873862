package dev.chaosgate.link.internal;

import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.link.ProxyMetrics;


import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Sends Toxiproxy API calls to a throwaway API server over a throwaway engine before the data-path
 * warm-up, once per JVM. The API's HTTP pipeline runs through the same Netty code as the data path
 * (event loop, pipeline, socket writes) with other handler and buffer types: when those types first
 * appeared after the data path was compiled (the first {@code POST /proxies} of a test suite), the
 * JIT threw the compiled data path away and compiled it again while the first round trips ran,
 * which took a core from them for milliseconds. Seen first, they are part of what gets compiled.
 *
 * <p>Nothing of it is visible: the engine, its proxy and its API server are closed before the real
 * API listens, and the real engine is not touched.
 */
public final class ApiWarmUp {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int ROUNDS = Integer.getInteger("chaosgate.link.apiWarmUpRounds", 40);
    private static final long BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000);
    private static boolean done;

    private ApiWarmUp() {
    }

    /** Runs once per JVM; never throws (a failed warm-up only leaves the first API calls slower). */
    public static void run() {
        synchronized (ApiWarmUp.class) {
            if (done) {
                return;
            }
            done = true;
        }
        answered(ROUNDS, System.nanoTime() + BUDGET_NANOS);
    }

    /**
     * Plays the script {@code rounds} times (until {@code deadline}) against a throwaway API server
     * and returns the status lines of the answers, in order; stops at the first failure.
     */
    static java.util.List<String> answered(int rounds, long deadline) {
        java.util.List<String> statuses = new java.util.ArrayList<>();
        try (LinkEngine scratch = new LinkEngine(0L, 1);
             ToxiproxyApiServer api = ToxiproxyApiServer.start(scratch, "127.0.0.1", 0,
                     ProxyMetrics.toxiproxy(scratch, true, false))) {
            int port = api.address().getPort();
            for (int round = 0; round < rounds && System.nanoTime() < deadline; round++) {
                try (Socket socket = new Socket(LOOPBACK, port)) {
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(2_000);
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    for (String[] call : script(round)) {
                        statuses.add(exchange(socket.getOutputStream(), in, call[0], call[1], call[2]));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // speed only
        }
        return statuses;
    }

    /** A user's calls: create a proxy, toxics on it, reads, changes, deletion, and a few refusals. */
    private static List<String[]> script(int round) {
        String proxy = "warm-up-" + round;
        return List.of(
                new String[] {"GET", "/version", null},
                new String[] {"POST", "/proxies", "{\"name\":\"" + proxy + "\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:9\"}"},
                new String[] {"POST", "/proxies/" + proxy + "/toxics",
                        "{\"name\":\"lat\",\"type\":\"latency\",\"stream\":\"downstream\",\"toxicity\":1,\"attributes\":{\"latency\":1,\"jitter\":0}}"},
                new String[] {"POST", "/proxies/" + proxy + "/toxics/lat", "{\"attributes\":{\"latency\":2}}"},
                new String[] {"GET", "/proxies/" + proxy + "/toxics", null},
                new String[] {"GET", "/proxies", null},
                new String[] {"DELETE", "/proxies/" + proxy + "/toxics/lat", null},
                new String[] {"POST", "/proxies/" + proxy, "{\"enabled\":false}"},
                new String[] {"GET", "/metrics", null},
                new String[] {"DELETE", "/proxies/" + proxy, null},
                new String[] {"GET", "/proxies/" + proxy, null},
                new String[] {"POST", "/proxies", "{\"name\":"},
                new String[] {"POST", "/reset", null});
    }

    /** One request on a kept-alive connection, reading the whole answer (its Content-Length); returns its status line. */
    private static String exchange(OutputStream out, InputStream in, String method, String path, String body) throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\n")
                + "Content-Length: " + content.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(content);
        out.flush();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while (last4 != 0x0d0a0d0a && (b = in.read()) >= 0) {
            answer.write(b);
            last4 = last4 << 8 | b;
        }
        int length = 0;
        for (String line : answer.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        if (in.readNBytes(length).length < length) {
            throw new IOException("API answer cut off");
        }
        String answered = answer.toString(StandardCharsets.US_ASCII);
        return answered.substring(0, Math.max(0, answered.indexOf("\r\n")));
    }
}
