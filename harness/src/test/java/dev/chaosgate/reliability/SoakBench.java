package dev.chaosgate.reliability;

import java.time.Duration;
import java.util.List;

/**
 * The full soak, run by hand with {@code scripts/soak} (a bench class: {@code mvn verify} leaves
 * it out; {@link SoakTest} is its short version):
 *
 * <pre>
 * scripts/soak [requests] [minutes] [clients] [journal capacity]    defaults: 1000000 10 16 50000
 * </pre>
 *
 * Prints the summary and exits with 1 when the soak found a problem.
 */
public final class SoakBench {
    /** The heap may end at most this far above its steady state. */
    static final SoakReport.HeapTolerance HEAP_TOLERANCE = new SoakReport.HeapTolerance(0.10, 16L * 1024 * 1024);

    private SoakBench() {
    }

    public static void main(String[] args) throws Exception {
        SoakConfig config = SoakConfig.full();
        try {
            if (args.length > 0) {
                config = config.withRequests(Long.parseLong(args[0]));
            }
            if (args.length > 1) {
                config = config.withDuration(Duration.ofSeconds(Math.round(Double.parseDouble(args[1]) * 60)));
            }
            if (args.length > 2) {
                config = config.withClients(Integer.parseInt(args[2]));
            }
            if (args.length > 3) {
                config = config.withJournalCapacity(Integer.parseInt(args[3]));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("usage: scripts/soak [requests] [minutes] [clients] [journal capacity]: " + e.getMessage());
            System.exit(2);
        }
        System.out.printf("soak: up to %,d requests or %s, %d clients, journal capacity %,d, JVM max heap %d MiB%n",
                config.requests(), config.duration(), config.clients(), config.journalCapacity(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
        SoakReport report = Soak.run(config, System.out::println);
        System.out.print(report.summary());
        List<String> problems = report.problems(HEAP_TOLERANCE);
        if (problems.isEmpty()) {
            System.out.println("PASSED");
        } else {
            System.out.println("FAILED:");
            problems.forEach(problem -> System.out.println("  - " + problem));
            System.exit(1);
        }
    }
}
