package dev.chaosgate.scenario;

import dev.chaosgate.scenario.syntax.FaultForms;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamFault;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link FaultForms#write} writes, the scenario loader reads back as the same fault: every
 * single-answer fault of the built-in catalog and the ones only the DSL builds (fractions, dates,
 * headers, delays, stream points).
 */
class ScenarioFaultWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ScenarioLoader LOADER = ScenarioLoader.standard();

    @Test
    void everySingleAnswerFaultOfTheCatalogReadsBackTheSame() throws Exception {
        List<UpstreamFault> faults = new ArrayList<>();
        for (Scenario scenario : ScenarioCatalog.builtIn().all()) {
            for (Phase phase : scenario.phases()) {
                collect(phase.upstream(), faults);
            }
        }
        assertThat(faults).as("single-answer faults in the catalog").hasSizeGreaterThan(30);
        for (UpstreamFault fault : faults) {
            assertReadsBack(fault);
        }
    }

    @Test
    void faultsOnlyTheDslBuildsReadBackTheSame() throws Exception {
        for (UpstreamFault fault : List.of(
                Faults.rateLimited().withRetryAfter(RetryAfter.httpDate(Duration.ofSeconds(3))).withRetryAfterMs(1500)
                        .withShouldRetry(true).withHeader("x-extra", "1").withDelay(Duration.ofMillis(250)),
                Faults.status(503).withRetryAfter(RetryAfter.fraction(1.5)),
                Faults.status(503).withRetryAfter(RetryAfter.seconds(0)),
                Faults.overloaded().withRetryAfter(RetryAfter.garbage()),
                Faults.overloaded().withRetryAfter(RetryAfter.pastDate()),
                Faults.overloaded().withRetryAfter(RetryAfter.negative()),
                Faults.overloaded().withRetryAfter(RetryAfter.huge()),
                Faults.status(500).withDelay(Duration.ofNanos(250_500_000)),
                Faults.connectionReset(), Faults.emptyResponse(), Faults.malformedChunk(), Faults.randomDataThenClose(),
                Faults.streamStallAfter(3, Duration.ofSeconds(120)),
                Faults.streamNestedErrorAfter(2),
                Faults.streamCut().afterTextDeltas(7),
                Faults.streamReset().beforeText(),
                Faults.slowAnswer(Duration.ofSeconds(10)))) {
            assertReadsBack(fault);
        }
    }

    @Test
    void aFaultOverSeveralRequestsIsNoSingleAnswer() {
        assertThatThrownBy(() -> FaultForms.write(Faults.rateLimit(1, 0, Duration.ofSeconds(10))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a single answer");
    }

    @Test
    void itWritesWhatAScenarioFileWrites() {
        assertThat(FaultForms.write(Faults.status(503).withRetryAfter(RetryAfter.seconds(5))))
                .isEqualTo(Map.of("status", 503, "retryAfter", 5L));
        assertThat(FaultForms.write(Faults.slowAnswer(Duration.ofSeconds(3)))).isEqualTo(Map.of("slow", "3000ms"));
        assertThat(FaultForms.write(Faults.connectionReset())).isEqualTo(Map.of("connection", "reset"));
    }

    private static void assertReadsBack(UpstreamFault fault) throws Exception {
        String written = JSON.writeValueAsString(FaultForms.write(fault));
        assertThat(LOADER.parseFault(written, "the written fault")).as("%s written as %s", fault.label(), written).isEqualTo(fault);
    }

    private static void collect(UpstreamFault fault, List<UpstreamFault> into) {
        if (fault == null) {
            return;
        }
        if (fault.singleAnswer()) {
            into.add(fault);
        } else if (fault instanceof UpstreamFault.FirstRequests first) {
            collect(first.fault(), into);
        } else if (fault instanceof UpstreamFault.WithProbability probability) {
            collect(probability.fault(), into);
        } else if (fault instanceof UpstreamFault.Outage outage) {
            collect(outage.fault(), into);
        } else if (fault instanceof UpstreamFault.Flapping flapping) {
            collect(flapping.fault(), into);
        } else if (fault instanceof UpstreamFault.Overload overload) {
            collect(overload.shed(), into);
        } else if (fault instanceof UpstreamFault.FirstOf firstOf) {
            firstOf.faults().forEach(f -> collect(f, into));
        }
    }
}
