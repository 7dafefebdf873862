package dev.chaosgate.verdict.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.verdict.ClientReport;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.Verdict;
import dev.chaosgate.verdict.VerdictEngine;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** House judges: registered on the engine or by ServiceLoader, they fire on the clients they are about and only on those. */
class HouseJudgeTest {
    static final String PROMPT = "Draft a polite reply to the customer.";
    static final Scenario BURST = ScenarioCatalog.builtIn().get("bad-gateway-burst");

    @TempDir
    Path dir;

    /** Plays bad-gateway-burst to a client that retries until answered, with or without an Idempotency-Key. */
    static Verdict play(VerdictEngine engine, boolean idempotencyKey) throws IOException, InterruptedException {
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(BURST).start()) {
            HttpClient http = HttpClient.newHttpClient();
            String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
            String answer = "";
            for (int attempt = 1; attempt <= 3; attempt++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/chat/completions"))
                        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
                if (idempotencyKey) {
                    request.header("Idempotency-Key", "action-1");
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    answer = "Dear customer, thank you for your patience.";
                    break;
                }
                Thread.sleep(150L * attempt);
            }
            return engine.judge(BURST, gateway.exchanges(), gateway.linkCounters().connectionsAccepted(),
                    ClientReport.of(PROMPT, List.of(answer), ""));
        }
    }

    @Test
    void aRegisteredHouseJudgeFiresOnRetriesWithoutAKey() throws Exception {
        Verdict verdict = play(VerdictEngine.standard().withJudges(new RetriesCarryIdempotencyKey()), false);

        assertThat(verdict.codes()).containsExactly(FindingCode.HOUSE_RULE);
        assertThat(verdict.findings().get(0).message()).startsWith("retries-carry-idempotency-key: the 3 attempts did not all carry");
        assertThat(verdict.explain()).contains("HOUSE_RULE: retries-carry-idempotency-key:");
    }

    @Test
    void aRegisteredHouseJudgeStaysQuietWhenEveryRetryCarriesTheKey() throws Exception {
        Verdict verdict = play(VerdictEngine.standard().withJudges(new RetriesCarryIdempotencyKey()), true);

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(verdict.attempts()).hasSize(3);
    }

    @Test
    void anEngineWithoutTheJudgeDoesNotJudgeTheRule() throws Exception {
        Verdict verdict = play(VerdictEngine.standard(), false);

        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
    }

    @Test
    void aJudgeNamedInMetaInfServicesIsLoadedForEveryEngine() throws Exception {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(Judge.class.getName()), "# our house rules\n" + RetriesCarryIdempotencyKey.class.getName() + "\n");

        VerdictEngine engine = withContextClassPath(dir, VerdictEngine::standard);

        assertThat(engine.houseJudges()).hasSize(1).first().isInstanceOf(RetriesCarryIdempotencyKey.class);
        assertThat(play(engine, false).codes()).containsExactly(FindingCode.HOUSE_RULE);
        assertThat(VerdictEngine.standard().houseJudges()).as("outside that class path").isEmpty();
    }

    @Test
    void aServicesFileNamingAMissingClassSaysWhatToFix() throws Exception {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(Judge.class.getName()), "com.example.NoSuchJudge\n");

        assertThatThrownBy(() -> withContextClassPath(dir, VerdictEngine::standard))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("META-INF/services/dev.chaosgate.verdict.spi.Judge")
                .hasMessageContaining("com.example.NoSuchJudge")
                .hasMessageContaining("public no-argument constructor");
    }

    @Test
    void theDocsExampleIsThisTestsJudge() throws IOException {
        String doc = Files.readString(Path.of("../docs/verdicts.md"));
        String file = "harness/src/test/java/dev/chaosgate/verdict/spi/RetriesCarryIdempotencyKey.java";
        Matcher m = Pattern.compile("<!-- snippet: " + Pattern.quote(file) + " -->\\n```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);

        assertThat(m.find()).as("docs/verdicts.md shows " + file).isTrue();
        assertThat(m.group(1)).isEqualTo(Files.readString(Path.of("..").resolve(file)));
    }

    private static <T> T withContextClassPath(Path root, Callable<T> call) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{root.toUri().toURL()}, HouseJudgeTest.class.getClassLoader())) {
            thread.setContextClassLoader(loader);
            return call.call();
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
