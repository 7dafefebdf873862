package dev.chaosgate.link.internal;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;

import java.util.concurrent.TimeUnit;

/**
 * Keeps an event loop polling (without blocking) for a few microseconds after it last had work,
 * before it goes back to sleep in the kernel. A proxied request/response bounces through the loop
 * twice; when the answer arrives within the window the loop is still awake, which saves the
 * wake-up of a sleeping thread (tens of µs on a virtual machine). An idle loop sleeps as usual.
 *
 * <p>Spinning pays only while the loop has a core to itself. When other processes want the cores,
 * a spinning loop is just another CPU-bound task to the kernel's scheduler: it is preempted while
 * it spins and, having used its share, waits behind them when work does come (measured: p50 +71 µs
 * and p99 +6 ms over direct loopback with a busy process on each core, against +29 µs and +3.9 ms
 * without spinning). So a loop that finds it was descheduled while spinning (two polls far apart)
 * stops spinning for a while and sleeps at once, as a plain event loop does.
 *
 * <p>Where Linux reports CPU pressure ({@link CpuPressure}), that decides instead: the loop spins
 * while tasks waited for a CPU less than {@link #BUSY_SHARE} of the last 100 ms. Being descheduled
 * while spinning is no sign of a busy machine on a small virtual machine: on an idle 2-vCPU one the
 * loops lost their core for over 200 µs two to three times a second (the benchmark's own client and
 * echo, the JIT, the host), about as often as with a busy process on each core, so the gap rule kept
 * them from spinning most of the time on an idle machine too. Pressure tells the two apart: 35 to
 * 55 % during quiet round trips, 80 to 100 % with a busy process on each core.
 */
final class SpinningSelectStrategy implements SelectStrategy {
    /** A gap between two polls this long means the thread lost its core while spinning. */
    private static final long PREEMPTED_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    /** How long a preempted loop stops spinning before it tries again. */
    private static final long BACK_OFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** The share of time with some task waiting for a CPU at which the machine counts as busy. */
    static final double BUSY_SHARE = 0.75;

    private final long spinNanos;
    private final CpuPressure pressure;
    private long lastActiveNanos;
    private boolean wokeFromSleep;
    private boolean spinning;
    private long lastPollNanos;
    private long spinAgainAtNanos;

    SpinningSelectStrategy(long spinNanos, CpuPressure pressure) {
        this.spinNanos = spinNanos;
        this.pressure = pressure;
        this.spinAgainAtNanos = System.nanoTime();
    }

    static SelectStrategyFactory factory(long spinMicros) {
        long nanos = TimeUnit.MICROSECONDS.toNanos(spinMicros);
        return () -> new SpinningSelectStrategy(nanos, new CpuPressure(CpuPressure.LINUX_FILE, CpuPressure.WINDOW_NANOS));
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        long now = System.nanoTime();
        if (spinning && now - lastPollNanos > PREEMPTED_NANOS) {
            spinAgainAtNanos = now + BACK_OFF_NANOS;
        }
        spinning = false;
        if (wokeFromSleep) {
            wokeFromSleep = false;
            lastActiveNanos = now;
        }
        int ready = selectNow.get();
        if (ready > 0 || hasTasks) {
            lastActiveNanos = now;
            return ready;
        }
        if (now - lastActiveNanos < spinNanos && !busy(now)) {
            spinning = true;
            lastPollNanos = System.nanoTime(); // after the pressure read: its own time is no gap
            Thread.onSpinWait();
            return SelectStrategy.CONTINUE;
        }
        wokeFromSleep = true;
        return SelectStrategy.SELECT;
    }

    /** Whether other work wants the cores: by CPU pressure where the kernel reports it, else by the last preemption. */
    private boolean busy(long now) {
        double share = pressure.share(now);
        return share >= 0 ? share >= BUSY_SHARE : now - spinAgainAtNanos < 0;
    }
}
