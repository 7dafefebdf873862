package dev.chaosgate.reliability;

import dev.chaosgate.link.ToxicStream;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.LinkToxic;
import dev.chaosgate.scenario.Phase;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.UpstreamFault;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The faults a {@link Soak} plays: one open-ended scenario phase whose upstream serves a seeded
 * mix of error pages, connection resets and broken streams, while the link resets a few new
 * connections, cuts every connection after a fixed number of answer bytes, and delays or slices
 * the answers of some connections.
 *
 * <p>One phase, not a timeline of several: switching phases removes and re-adds the link's toxics,
 * which restarts {@code limit_data}'s byte count on live connections, and the soak recognises a
 * link cut by that exact count.
 */
final class SoakMix {
    /** The faults a request can meet, each recognised by what the client received. */
    enum Fault {
        BAD_GATEWAY("502 nginx page", true),
        OVERLOADED("503 OpenAI overloaded", true),
        SLOW_DOWN("429 OpenAI slow_down", true),
        UPSTREAM_RESET("upstream connection reset", true),
        STREAM_CUT("stream cut after 3 events", true),
        STREAM_RESET("stream reset after 2 events", true),
        STREAM_ERROR("stream error frame after 4 events", true),
        LINK_RESET("link reset_peer", false),
        LINK_CUT("link limit_data cut", false);

        private final String description;
        private final boolean upstream;

        Fault(String description, boolean upstream) {
            this.description = description;
            this.upstream = upstream;
        }

        String description() {
            return description;
        }

        /** Whether the upstream serves it (and journals it under its label); otherwise the link does. */
        boolean upstream() {
            return upstream;
        }
    }

    static final int STREAM_CUT_EVENTS = 3;
    static final int STREAM_RESET_EVENTS = 2;
    static final int STREAM_ERROR_EVENTS = 4;

    private final long limitDataBytes;
    private final List<UpstreamFault> upstreamFaults = new ArrayList<>();
    /** The upstream's journal label of each fault (the label of its {@code withProbability} wrapper). */
    private final Map<String, Fault> byLabel = new HashMap<>();

    SoakMix(long limitDataBytes) {
        this.limitDataBytes = limitDataBytes;
        // Probabilities are per request and drawn in turn (the first that fires answers); the stream
        // faults fire only on the half of the requests that ask for a stream.
        add(0.02, Faults.status(502).withFixture("nginx/502"), Fault.BAD_GATEWAY);
        add(0.02, Faults.overloaded(), Fault.OVERLOADED);
        add(0.02, Faults.status(429).withFixture("openai/429-slow-down"), Fault.SLOW_DOWN);
        add(0.01, Faults.connectionReset(), Fault.UPSTREAM_RESET);
        add(0.04, Faults.streamCutAfter(STREAM_CUT_EVENTS), Fault.STREAM_CUT);
        add(0.03, Faults.streamResetAfter(STREAM_RESET_EVENTS), Fault.STREAM_RESET);
        add(0.03, Faults.streamErrorAfter(STREAM_ERROR_EVENTS), Fault.STREAM_ERROR);
    }

    private void add(double probability, UpstreamFault fault, Fault kind) {
        UpstreamFault.WithProbability drawn = Faults.withProbability(probability, fault);
        upstreamFaults.add(drawn);
        byLabel.put(drawn.label(), kind);
    }

    /** The fault a journalled label stands for; null for a normal answer, and for a label not of this mix. */
    Fault fault(String label) {
        return label == null ? null : byLabel.get(label);
    }

    long limitDataBytes() {
        return limitDataBytes;
    }

    Scenario scenario(long seed) {
        Phase mix = Chaos.phase("soak-mix").serving(Faults.firstOf(upstreamFaults.toArray(UpstreamFault[]::new)))
                // On the first request of 3 % of connections: swallowed, then both sockets reset.
                .withToxic(LinkToxic.resetPeer().withToxicity(0.03f))
                // A quarter of connections get answers in small pieces, a quarter 0-2 ms late.
                .withToxic(LinkToxic.of("slicer", ToxicStream.DOWNSTREAM,
                        Map.of("average_size", 512L, "size_variation", 256L, "delay", 0L)).withToxicity(0.25f))
                .withToxic(LinkToxic.of("latency", ToxicStream.DOWNSTREAM, Map.of("latency", 1L, "jitter", 1L))
                        .withToxicity(0.25f))
                // Last in the chain, so it counts exactly the bytes the client receives.
                .withToxic(LinkToxic.of("limit_data", ToxicStream.DOWNSTREAM, Map.of("bytes", limitDataBytes)));
        return Chaos.scenario("soak").describedAs("A seeded mix of upstream and link faults for the whole run")
                .seed(seed).then(mix).expect(Chaos.recovers()).build();
    }

    /** One line per fault, for reports. */
    String describe() {
        return "upstream (per request, first that fires): "
                + String.join(", ", byLabel.keySet().stream().sorted().toList())
                + "; link: reset_peer on 3 % of connections, slicer (512 ± 256 bytes) and latency (1 ± 1 ms) on 25 % each,"
                + " limit_data " + limitDataBytes + " bytes on every connection";
    }
}
