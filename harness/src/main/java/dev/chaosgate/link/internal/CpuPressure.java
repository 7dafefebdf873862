package dev.chaosgate.link.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * How contended the machine's CPUs are: the share of the last window in which some task was ready to
 * run but waited for a CPU, from Linux's pressure stall information ({@code /proc/pressure/cpu},
 * line {@code some}, field {@code total}: microseconds of stall since boot; kernel 4.20+,
 * Documentation/accounting/psi.rst). One per event loop, used from its thread only.
 */
final class CpuPressure {
    static final Path LINUX_FILE = Path.of("/proc/pressure/cpu");
    /** How long a measured share stands before the next read of the file. */
    static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Path file;
    private final long windowNanos;
    private final ByteBuffer buffer = ByteBuffer.allocate(256);
    private boolean available = true;
    private long lastReadNanos;
    private long lastStallMicros = -1;
    private double share;

    /** Reads {@code file} (in the format of {@link #LINUX_FILE}) at most once per {@code windowNanos}. */
    CpuPressure(Path file, long windowNanos) {
        this.file = file;
        this.windowNanos = windowNanos;
    }

    /**
     * The share (0 to 1) of the last measured window in which some task waited for a CPU, read again
     * when the window has passed; -1 when the kernel does not report it (not Linux, PSI off) or before
     * two reads have made a window.
     */
    double share(long nanoNow) {
        if (!available) {
            return -1;
        }
        if (lastStallMicros >= 0 && nanoNow - lastReadNanos < windowNanos) {
            return share;
        }
        long stall = readStallMicros();
        if (stall < 0) {
            available = false;
            return -1;
        }
        if (lastStallMicros < 0) {
            share = -1;
        } else if (nanoNow > lastReadNanos) {
            share = Math.min(1.0, Math.max(0, stall - lastStallMicros) * 1000.0 / (nanoNow - lastReadNanos));
        }
        lastStallMicros = stall;
        lastReadNanos = nanoNow;
        return share;
    }

    /** Opened and closed on each read (ten times a second at most), so no descriptor outlives a read. */
    private long readStallMicros() {
        buffer.clear();
        try (FileChannel channel = FileChannel.open(file)) {
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // a /proc file is generated whole on the first read; this loop only guards short reads
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return -1;
        }
        return stallMicros(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
    }

    /** The {@code total=} of the {@code some} line, or -1 when the text has none. */
    static long stallMicros(String text) {
        for (String line : text.split("\n")) {
            if (!line.startsWith("some ")) {
                continue;
            }
            for (String field : line.split(" ")) {
                if (field.startsWith("total=")) {
                    try {
                        return Long.parseLong(field.substring("total=".length()));
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
        }
        return -1;
    }
}
