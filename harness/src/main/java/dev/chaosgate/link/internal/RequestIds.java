package dev.chaosgate.link.internal;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Request ids shaped like the xids Toxiproxy puts in {@code X-Toxiproxy-Request-Id}: 12 bytes
 * (seconds, 5 random process bytes, a counter) in 20 lower-case base32hex characters.
 */
final class RequestIds {
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuv".toCharArray();
    private static final byte[] PROCESS = new byte[5];
    private static final AtomicInteger COUNTER;

    static {
        SecureRandom random = new SecureRandom();
        random.nextBytes(PROCESS);
        COUNTER = new AtomicInteger(random.nextInt());
    }

    private RequestIds() {
    }

    static String next() {
        byte[] id = new byte[12];
        int seconds = (int) (System.currentTimeMillis() / 1000);
        id[0] = (byte) (seconds >>> 24);
        id[1] = (byte) (seconds >>> 16);
        id[2] = (byte) (seconds >>> 8);
        id[3] = (byte) seconds;
        System.arraycopy(PROCESS, 0, id, 4, 5);
        int count = COUNTER.incrementAndGet();
        id[9] = (byte) (count >>> 16);
        id[10] = (byte) (count >>> 8);
        id[11] = (byte) count;
        StringBuilder out = new StringBuilder(20);
        long buffer = 0;
        int bits = 0;
        for (byte b : id) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET[(int) (buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET[(int) (buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
