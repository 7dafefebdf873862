package dev.chaosgate.load.clientapp;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhasePlanTest {
    @Test
    void readsNamesAndDurationsInOrder() {
        PhasePlan plan = PhasePlan.parse("healthy:10s, rate-limit-window:1m,healthy:500ms");

        assertThat(plan.steps()).extracting(PhasePlan.Step::label)
                .containsExactly("1 healthy", "2 rate-limit-window", "3 healthy");
        assertThat(plan.steps().get(0).healthy()).isTrue();
        assertThat(plan.steps().get(1).healthy()).isFalse();
        assertThat(plan.total()).isEqualTo(Duration.ofMillis(70_500));
        assertThat(plan.text()).isEqualTo("healthy:10s,rate-limit-window:60s,healthy:500ms");
    }

    @Test
    void theDefaultPlanIsABrownoutBetweenHealthyQuarters() {
        PhasePlan plan = PhasePlan.brownout(Duration.ofSeconds(40));

        assertThat(plan.text()).isEqualTo("healthy:10s,brownout-30-percent:20s,healthy:10s");
    }

    @Test
    void aMalformedPhaseIsNamedWithAnExample() {
        assertThatThrownBy(() -> PhasePlan.parse("healthy:10s,brownout"))
                .hasMessageContaining("'brownout'").hasMessageContaining("NAME:DURATION");
        assertThatThrownBy(() -> PhasePlan.parse("healthy:0s")).hasMessageContaining("more than 0");
    }
}
