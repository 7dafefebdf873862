package dev.chaosgate.reliability;

import dev.chaosgate.testsupport.OwnJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short soak: {@link SoakConfig#quick()} through the whole gateway under the fault mix. The
 * full one is {@link SoakBench} ({@code scripts/soak}).
 */
@OwnJvm
class SoakTest {
    /** Generous: a short run on a shared machine; the full soak holds a tighter bound. */
    private static final SoakReport.HeapTolerance HEAP_TOLERANCE = new SoakReport.HeapTolerance(0.5, 32L * 1024 * 1024);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyAnswerArrivesIntactOrAsTheFaultDueAndNothingLeaks() throws Exception {
        SoakReport report = Soak.run(SoakConfig.quick());

        List<String> problems = report.problems(HEAP_TOLERANCE);
        assertTrue(problems.isEmpty(), () -> "the soak found " + problems.size() + " problem(s):\n  - "
                + String.join("\n  - ", problems) + "\n\n" + report.summary());
        System.out.print(report.summary());
    }
}
