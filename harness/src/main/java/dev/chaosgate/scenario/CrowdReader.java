package dev.chaosgate.scenario;

import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.fixtures.yaml.YamlNode;

import java.time.Duration;
import java.util.Set;

/**
 * Reads a scenario file's {@code crowd:} (see {@link Crowd}), with the loader's file:line:column errors:
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
    static final Set<String> CROWD_KEYS = Set.of("users", "arrival", "answerTime", "maxAmplification");
    static final String TOGETHER = "together";

    private CrowdReader() {
    }

    static Crowd read(YamlFields fields, Expectation expect) {
        fields.allowOnly(CROWD_KEYS);
        int users = fields.entry("users").map(e -> (int) ScenarioLoader.longValue(e, 2, Crowd.MAX_USERS,
                        "A crowd is 2 or more users, e.g. `users: 20`; one user's action needs no `crowd`"))
                .orElseThrow(() -> YamlFields.problem(fields.location(), "users", "`crowd` needs `users`",
                        "Say how many users act at once, e.g. `users: 20`"));
        Duration arrival = fields.entry("arrival").map(CrowdReader::arrival).orElse(Duration.ZERO);
        Duration answerTime = fields.entry("answerTime").map(e -> ScenarioLoader.duration(e, "`crowd`")).orElse(Duration.ZERO);
        double maxAmplification = fields.entry("maxAmplification")
                .map(e -> ScenarioLoader.number(e, 1, 1000, "At least 1 (one attempt per user action), e.g. `maxAmplification: 3`"))
                .orElse((double) expect.maxAttempts());
        return new Crowd(users, arrival, answerTime, maxAmplification);
    }

    /** {@code together}, or a duration the first requests are spread over. */
    private static Duration arrival(YamlNode.Entry entry) {
        if (entry.value() instanceof YamlNode.Scalar scalar && TOGETHER.equals(scalar.value())) {
            return Duration.ZERO;
        }
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof String text && !text.matches("\\d.*")) {
            throw YamlFields.problem(entry.value().location(), "arrival", "`arrival` of `crowd` cannot be `" + text + "`",
                    "Write `arrival: together` (all at once) or a duration to spread the users over, e.g. `arrival: 2s`");
        }
        return ScenarioLoader.duration(entry, "`crowd`");
    }
}
