package dev.chaosgate.scenario;

import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.scenario.syntax.Fields;
import dev.chaosgate.scenario.syntax.ScenarioSyntax;

import java.time.Duration;

/**
 * Reads a scenario file's {@code crowd:} (see {@link Crowd}) through its keys in {@link ScenarioSyntax#CROWD_SYNTAX},
 * with the loader's file:line:column errors:
 *
 * <pre>
 * crowd:
 *   users: 20              # 2..200
 *   arrival: together      # or a duration: first requests spread evenly over it, e.g. 2s
 *   answerTime: 100ms      # optional; how long each answer takes (default: at once)
 *   maxAmplification: 3    # optional; default: the expectation's maxAttempts
 * </pre>
 */
final class CrowdReader {
    private CrowdReader() {
    }

    static Crowd read(YamlFields yaml, Expectation expect) {
        Fields fields = ScenarioSyntax.CROWD_SYNTAX.of(yaml, "`crowd`");
        if (!fields.has(ScenarioSyntax.CROWD_USERS)) {
            throw YamlFields.problem(yaml.location(), "users", "`crowd` needs `users`", "Say how many users act at once, e.g. `users: 20`");
        }
        int users = fields.require(ScenarioSyntax.CROWD_USERS);
        Duration arrival = fields.get(ScenarioSyntax.CROWD_ARRIVAL).orElse(Duration.ZERO);
        Duration answerTime = fields.get(ScenarioSyntax.CROWD_ANSWER_TIME).orElse(Duration.ZERO);
        double maxAmplification = fields.get(ScenarioSyntax.CROWD_MAX_AMPLIFICATION).orElse((double) expect.maxAttempts());
        return new Crowd(users, arrival, answerTime, maxAmplification);
    }
}
