package dev.chaosgate.link.internal;

import io.netty.channel.SelectStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the link's event loops poll instead of sleeping: while the machine's CPUs are not contended,
 * judged by Linux's CPU pressure where it is reported, and by the loop's own preemptions where not.
 * The pressure file is a real file in the kernel's format, rewritten between polls.
 */
class SpinningSelectStrategyTest {
    /** Long enough that only the pressure or the preemption rule stops the polling in these tests. */
    private static final long SPIN_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;

    @Test
    void readsTheStallTotalOfTheSomeLineAsTheKernelWritesIt() {
        String text = "some avg10=7.49 avg60=33.05 avg300=34.79 total=2098943282\n"
                + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
        assertThat(CpuPressure.stallMicros(text)).isEqualTo(2_098_943_282L);
        assertThat(CpuPressure.stallMicros("full avg10=0.00 total=12\n")).as("no `some` line").isEqualTo(-1);
        assertThat(CpuPressure.stallMicros("some avg10=1.00 total=x\n")).as("a total that is no number").isEqualTo(-1);
    }

    @Test
    void theShareIsTheStallTimeOverTheWindowAndStandsUntilTheWindowHasPassed() throws IOException {
        Path file = pressureFile(1_000_000);
        CpuPressure pressure = new CpuPressure(file, TimeUnit.MILLISECONDS.toNanos(100));
        long t0 = 5_000_000_000L;
        assertThat(pressure.share(t0)).as("one read makes no window yet").isEqualTo(-1);
        writeStall(file, 1_025_000);
        assertThat(pressure.share(t0 + TimeUnit.MILLISECONDS.toNanos(50))).as("inside the window: not read again").isEqualTo(-1);
        assertThat(pressure.share(t0 + TimeUnit.MILLISECONDS.toNanos(100))).as("25 ms of stall in 100 ms").isEqualTo(0.25);
        writeStall(file, 1_325_000);
        assertThat(pressure.share(t0 + TimeUnit.MILLISECONDS.toNanos(150))).as("the last share stands inside the window").isEqualTo(0.25);
        assertThat(pressure.share(t0 + TimeUnit.MILLISECONDS.toNanos(200))).as("300 ms of stall (tasks on several CPUs) in 100 ms")
                .isEqualTo(1.0);
    }

    @Test
    void withoutPressureFileTheShareIsUnknownForGood() throws IOException {
        CpuPressure pressure = new CpuPressure(dir.resolve("no-such-file"), 0);
        assertThat(pressure.share(1)).isEqualTo(-1);
        Files.writeString(dir.resolve("no-such-file"), "some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n");
        assertThat(pressure.share(2)).as("a kernel without PSI does not gain it; the file is not read again").isEqualTo(-1);
    }

    @Test
    void pollsWhileFewTasksWaitForACpuAndSleepsWhenMost() throws Exception {
        Path file = pressureFile(0);
        SpinningSelectStrategy strategy = new SpinningSelectStrategy(SPIN_NANOS, new CpuPressure(file, 0));
        assertThat(strategy.calculateStrategy(() -> 1, false)).as("work ready").isEqualTo(1);
        assertThat(strategy.calculateStrategy(() -> 0, false)).as("first empty poll: no window measured yet, no preemption seen")
                .isEqualTo(SelectStrategy.CONTINUE);
        assertThat(strategy.calculateStrategy(() -> 0, false)).as("no stall since the last read: polls on")
                .isEqualTo(SelectStrategy.CONTINUE);
        writeStall(file, TimeUnit.SECONDS.toMicros(10));
        assertThat(strategy.calculateStrategy(() -> 0, false)).as("tasks waited for a CPU all the time: sleeps")
                .isEqualTo(SelectStrategy.SELECT);
        assertThat(strategy.calculateStrategy(() -> 0, false)).as("the wait stopped: polls again")
                .isEqualTo(SelectStrategy.CONTINUE);
    }

    @Test
    void withPressureReportedBeingDescheduledWhilePollingDoesNotStopThePolling() throws Exception {
        SpinningSelectStrategy strategy = new SpinningSelectStrategy(SPIN_NANOS, new CpuPressure(pressureFile(0), 0));
        strategy.calculateStrategy(() -> 1, false);
        strategy.calculateStrategy(() -> 0, false);
        strategy.calculateStrategy(() -> 0, false);
        Thread.sleep(2); // a gap between two polls far over 200 µs, as when another task took the core
        assertThat(strategy.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
    }

    @Test
    void withoutPressureABreakInThePollingStopsItForAWhile() throws Exception {
        SpinningSelectStrategy strategy = new SpinningSelectStrategy(SPIN_NANOS, new CpuPressure(dir.resolve("none"), 0));
        strategy.calculateStrategy(() -> 1, false);
        assertThat(strategy.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
        assertThat(strategy.calculateStrategy(() -> 0, false)).as("polls close together: polls on").isEqualTo(SelectStrategy.CONTINUE);
        Thread.sleep(2);
        assertThat(strategy.calculateStrategy(() -> 0, false)).as("descheduled while polling: sleeps instead")
                .isEqualTo(SelectStrategy.SELECT);
        assertThat(strategy.calculateStrategy(() -> 1, false)).as("work is still taken at once").isEqualTo(1);
        assertThat(strategy.calculateStrategy(() -> 0, false)).as("and the loop does not poll again within the back-off")
                .isEqualTo(SelectStrategy.SELECT);
    }

    private Path pressureFile(long stallMicros) throws IOException {
        Path file = dir.resolve("cpu");
        writeStall(file, stallMicros);
        return file;
    }

    private static void writeStall(Path file, long stallMicros) throws IOException {
        Files.writeString(file, "some avg10=0.00 avg60=0.00 avg300=0.00 total=" + stallMicros + "\n"
                + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
    }
}
