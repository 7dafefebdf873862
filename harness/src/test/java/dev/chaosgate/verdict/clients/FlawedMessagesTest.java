package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient.Failure;
import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.Fixtures;
import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.fixtures.GuidanceJudgement;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The flawed variants' messages fail the guidance catalog where their bug says they should. */
class FlawedMessagesTest {
    private static final GuidanceCatalog CATALOG = GuidanceCatalog.builtIn();

    @Test
    void flawedMessagesFailWhereTheyShould() {
        Failure blocked = Failure.http(403, Map.of("cf-ray", "8c2f0a1b3d4e5f60-AMS"),
                Fixtures.load("cloudflare/1020-access-denied").render().bodyText());
        assertThat(CATALOG.entry(FailureClass.ACCESS_DENIED).judge(new GenericMessageClient().messageFor(blocked)).passed())
                .isFalse();
        GuidanceJudgement raw = CATALOG.entry(FailureClass.ACCESS_DENIED).judge(new RawErrorClient().messageFor(blocked));
        assertThat(raw.passed()).isFalse();
        assertThat(raw.saidForbidden("raw_error")).isTrue();
    }
}
