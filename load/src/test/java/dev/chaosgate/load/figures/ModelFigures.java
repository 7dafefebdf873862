package dev.chaosgate.load.figures;

import dev.chaosgate.load.client.ClientCounters;
import dev.chaosgate.load.client.ClientModel;

/**
 * One client model's figures as its own counters saw them, for the JSON summary.
 *
 * @param amplification attempts per logical request
 * @param successRate   the share of logical requests answered in the end
 * @param endToEndMs    end-to-end time of every logical request (waits included), however it ended
 * @param answeredMs    end-to-end time of the logical requests that were answered
 */
public record ModelFigures(String model, long logicalRequests, long answered, long failed, long attempts,
                           double amplification, double successRate, Latencies.Percentiles endToEndMs,
                           Latencies.Percentiles answeredMs) {

    public static ModelFigures of(ClientModel model) {
        ClientCounters counts = model.counters();
        return new ModelFigures(model.name(), counts.logicalRequests(), counts.succeeded(), counts.failed(),
                counts.attempts(), round(counts.amplification()), round(counts.successRate()),
                counts.endToEnd().percentiles(), counts.endToEndSucceeded().percentiles());
    }

    /** Three decimals: enough for a ratio, short in the JSON. */
    public static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
