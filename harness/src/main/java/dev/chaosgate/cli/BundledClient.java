package dev.chaosgate.cli;

import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.cli.bundled.WellBehavedClient;
import dev.chaosgate.upstream.Provider;

import java.time.Duration;
import java.util.List;

/** The well-behaved reference client, in process: what {@code chaosgate run} judges without {@code --client}. */
final class BundledClient implements ClientUnderTest {
    private final WellBehavedClient client;
    private final Provider provider;

    BundledClient() {
        this(Provider.OPENAI);
    }

    /** The reference client speaking {@code provider}'s wire. */
    BundledClient(Provider provider) {
        this.provider = provider;
        this.client = new WellBehavedClient(WellBehavedClient.Timeouts.defaults(), provider);
    }

    @Override
    public String description() {
        return "bundled well-behaved reference client" + (provider == Provider.OPENAI ? "" : " (" + provider.id() + " wire)");
    }

    @Override
    public ClientRun act(String baseUrl, Scenario scenario, String prompt, boolean streamed) {
        long start = System.nanoTime();
        ClientReport report = client.ask(baseUrl, prompt, streamed);
        return new ClientRun(report, List.of(), "", Duration.ofNanos(System.nanoTime() - start), List.of());
    }
}
