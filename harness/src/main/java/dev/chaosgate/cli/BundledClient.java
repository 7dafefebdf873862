package dev.chaosgate.cli;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.cli.bundled.WellBehavedClient;

import java.time.Duration;
import java.util.List;

/** The well-behaved reference client, in process: what {@code chaosgate run} judges without {@code --client}. */
final class BundledClient implements ClientUnderTest {
    private final WellBehavedClient client = new WellBehavedClient();

    @Override
    public String description() {
        return "bundled well-behaved reference client";
    }

    @Override
    public ClientRun act(String baseUrl, Scenario scenario, String prompt, boolean streamed, String user) {
        long start = System.nanoTime();
        ClientReport report = client.ask(baseUrl, prompt, streamed, user);
        return new ClientRun(report, List.of(), "", Duration.ofNanos(System.nanoTime() - start), List.of());
    }
}
