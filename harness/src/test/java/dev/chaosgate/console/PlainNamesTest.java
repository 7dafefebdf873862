package dev.chaosgate.console;

import dev.chaosgate.fixtures.FixtureName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's plain words for fault labels: every fault fixture has some, and no fixture id is left in a text. */
class PlainNamesTest {
    @Test
    void everyFaultFixtureReadsInPlainWordsAfterItsStatus() {
        List<FixtureName> faults = java.util.Arrays.stream(FixtureName.values()).filter(f -> f.load().status() >= 400).toList();
        assertThat(faults).as("the fault fixtures").hasSizeGreaterThan(20);
        for (FixtureName fixture : faults) {
            int status = fixture.load().status();
            String plain = PlainNames.fault(status + " " + fixture.path());
            assertThat(plain).as(fixture.path()).startsWith(status + " ").doesNotContain("/", "-", "_")
                    .hasSizeGreaterThan((status + " ").length() + 3);
        }
    }

    @Test
    void anInjectedFaultLosesTheMarkWhichTheLogShowsAsItsSource() {
        assertThat(PlainNames.fault("429 openai/429-rate-limit-requests (injected)")).isEqualTo("429 rate limit (requests)");
        assertThat(PlainNames.fault("502 cloudflare/502-branded")).isEqualTo("502 bad gateway (Cloudflare page)");
        assertThat(PlainNames.fault("connection reset (injected)")).isEqualTo("connection reset");
        assertThat(PlainNames.fault("stream cut after 2 text deltas (injected)")).isEqualTo("stream cut after 2 pieces of text");
        assertThat(PlainNames.fault("503")).isEqualTo("503 service unavailable");
        assertThat(PlainNames.fault(null)).isNull();
    }

    @Test
    void fixtureIdsInAFindingsTextAreReplacedAndTheRestKept() {
        assertThat(PlainNames.inText("#1  +0 ms  502  bad_gateway: 502 cloudflare/502-branded  [burst]"))
                .isEqualTo("#1  +0 ms  502  bad_gateway: 502 bad gateway (Cloudflare page)  [burst]");
        assertThat(PlainNames.inText("see https://example.com/openai/docs")).as("a URL is not a fixture id")
                .isEqualTo("see https://example.com/openai/docs");
        assertThat(PlainNames.inText("418 openai/418-teapot")).as("an unknown fixture: words from its id")
                .isEqualTo("418 teapot");
    }
}
