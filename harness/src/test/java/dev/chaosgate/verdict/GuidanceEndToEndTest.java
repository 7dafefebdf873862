package dev.chaosgate.verdict;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Chaos;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.testsupport.ParallelSafe;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.StreamPacing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guidance cases end to end: a real gateway plays the scenario, a small chat screen written here (an
 * asynchronous java.net.http client that classifies failures by status and body and shows a message from its own
 * table, in one of several languages) reacts to it, and the verdict judges what the screen was left with.
 */
@ParallelSafe
class GuidanceEndToEndTest {
    private static final String PROMPT = "Summarise the meeting notes in three bullet points";

    /** A 429 rate limit on every request; the client is expected to stop after one and say so. */
    private static final Scenario RATE_LIMITED = Chaos.scenario("rate-limited-gives-up")
            .then(Chaos.phase("limited").serving(Faults.rateLimited()))
            .expect(Chaos.stopsWith("rate_limited"))
            .build();
    private static final Scenario STREAM_CUT = Chaos.scenario("stream-cut-gives-up")
            .then(Chaos.phase("cut").serving(Faults.streamCutAfter(4)))
            .expect(Chaos.stopsWith("stream_interrupted"))
            .build();

    /** A chat screen: a banner list, a composer, a thread; it sends once and shows the app's message for the failure. */
    static final class ChatScreen {
        final List<String> banners = new ArrayList<>();
        final List<String> keys = new ArrayList<>();
        final List<String> thread = new ArrayList<>();
        String composer = "";
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final Function<String, String> messageFor;
        private boolean keyed;
        private boolean keepInThread;
        private String keyOverride;
        private int attempts = 1;

        ChatScreen(Function<String, String> messageFor) {
            this.messageFor = messageFor;
        }

        ChatScreen keyed(String forcedKey) {
            this.keyed = true;
            this.keyOverride = forcedKey;
            return this;
        }

        ChatScreen keepingFailedMessagesInTheThread() {
            this.keepInThread = true;
            return this;
        }

        ChatScreen attempts(int n) {
            this.attempts = n;
            return this;
        }

        private void show(String key, String text) {
            banners.add(text);
            keys.add(key);
        }

        void send(String baseUrl, String prompt, boolean stream, Duration timeout) {
            composer = prompt;
            String body = "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + prompt + "\"}]}";
            String failure = null;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                if (attempt > 1) {
                    show("", messageFor.apply("retrying"));
                    sleep(300L * attempt);
                }
                HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                        .timeout(timeout)
                        .header("content-type", "application/json")
                        .header("authorization", "Bearer sk-test")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                try {
                    failure = stream ? readStream(request) : readAnswer(request);
                } catch (CompletionException e) {
                    failure = "connection_failure";     // timed out, refused or reset: no HTTP answer
                }
                if (failure == null || !retryable(failure)) {
                    break;
                }
            }
            if (failure == null) {
                composer = "";
                return;
            }
            String key = keyOverride != null ? keyOverride : failure;
            show(keyed ? key : "", messageFor.apply(failure));
            if (keepInThread) {
                thread.add(prompt);       // the failed message stays in the conversation with a Retry button
                composer = "";
            }
        }

        private static boolean retryable(String failure) {
            return failure.equals("connection_failure") || failure.equals("bad_gateway");
        }

        private String readAnswer(HttpRequest request) {
            HttpResponse<String> r = http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).join();
            if (r.statusCode() == 200) {
                show("", content(r.body()));
                return null;
            }
            return classify(r.statusCode(), r.body());
        }

        /** Shows the partial answer as it streams; a stream that ends without [DONE] is a failure. */
        private String readStream(HttpRequest request) {
            HttpResponse<Stream<String>> r = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).join();
            if (r.statusCode() != 200) {
                return classify(r.statusCode(), String.join("\n", r.body().toList()));
            }
            StringBuilder text = new StringBuilder();
            boolean done = false;
            try {
                Iterator<String> lines = r.body().iterator();
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.equals("data: [DONE]")) {
                        done = true;
                    } else if (line.startsWith("data: ")) {
                        text.append(content(line));
                    }
                }
            } catch (RuntimeException e) {
                // a reset mid-stream: what arrived stays on screen
            }
            show("", text.toString());
            return done ? null : "stream_interrupted";
        }

        private static String content(String json) {
            Matcher m = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                out.append(m.group(1));
            }
            return out.toString();
        }

        private static String classify(int status, String body) {
            if (status == 403) {
                return "access_denied";
            }
            if (status == 429) {
                return body.contains("insufficient_quota") ? "quota_exhausted" : "rate_limited";
            }
            return status >= 500 ? "bad_gateway" : "invalid_request";
        }

        ClientReport report(String prompt) {
            ClientReportBuilder b = ClientReport.builder(prompt).draft(composer);
            for (int i = 0; i < banners.size(); i++) {
                b.shown(keys.get(i), banners.get(i));
            }
            thread.forEach(b::keptInThread);
            return b.build();
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Verdict run(Scenario scenario, ChatScreen screen, boolean stream, Duration timeout) {
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(scenario).pacing(StreamPacing.immediate()).start()) {
            screen.send(gateway.baseUrl(), PROMPT, stream, timeout);
            Verdict verdict = gateway.verdict(screen.report(PROMPT));
            System.out.println(verdict.explain());
            return verdict;
        }
    }

    private static Verdict run(String catalogScenario, ChatScreen screen) {
        return run(ScenarioCatalog.builtIn().get(catalogScenario), screen, false, Duration.ofSeconds(5));
    }

    private static Function<String, String> says(String text) {
        return failure -> failure.equals("retrying") ? "Retrying…" : text;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "en | Your request was blocked by the service's firewall (error 1020). Retrying will not help; switch off your VPN or use another network, then try again.",
        "de | Der Zugriff wurde von der Firewall des Dienstes blockiert (Fehler 1020). Ein erneuter Versuch hilft nicht – schalte dein VPN aus.",
        "fr | L'accès a été bloqué par le pare-feu du service (erreur 1020). Ne réessayez pas : désactivez votre VPN.",
        "es | El cortafuegos del servicio bloqueó el acceso (error 1020). No vuelvas a intentarlo: desactiva la VPN.",
    })
    void aCorrect1020MessagePassesInEveryLanguage(String language, String message) {
        Verdict verdict = run("access-denied-1020", new ChatScreen(says(message)).keepingFailedMessagesInTheThread());
        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(verdict.notes()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "quota | This app has used up its quota; retrying will not help. Please contact the administrator.",
        "later | This app has reached its monthly usage limit. Trying again later will not help.",
    })
    void aCorrectQuotaMessagePasses(String name, String message) {
        // this screen keeps the prompt in the composer on failure
        Verdict verdict = run("quota-exhausted", new ChatScreen(says(message)));
        assertThat(verdict.report().draft()).isEqualTo(PROMPT);
        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
    }

    @Test
    void aRegionBlockIsNotReadAsBusy() {
        Verdict verdict = run("unsupported-region",
                new ChatScreen(says("The assistant is unavailable in your country.")).keepingFailedMessagesInTheThread());
        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
    }

    @Test
    void sendingMessagesTooQuicklyIsARateLimitMessage() {
        Verdict verdict = run(RATE_LIMITED, new ChatScreen(says("You're sending messages too quickly, please wait 20 seconds"))
                .keepingFailedMessagesInTheThread(), false, Duration.ofSeconds(5));
        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
    }

    @Test
    void theRequestTimedOutIsTrueAfterABlackHole() {
        ChatScreen screen = new ChatScreen(says("The request timed out.")).attempts(2).keepingFailedMessagesInTheThread();
        Verdict verdict = run(ScenarioCatalog.builtIn().get("black-hole-timeout"), screen, false, Duration.ofMillis(800));
        assertThat(verdict.codes()).as(verdict.explain()).doesNotContain(FindingCode.NO_GUIDANCE, FindingCode.WRONG_GUIDANCE);
        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
    }

    @Test
    void anIntermediateRetryingDoesNotSatisfyTheGuidance() {
        ChatScreen screen = new ChatScreen(failure -> failure.equals("retrying")
                ? "The AI service is unreachable. Retrying…" : "Sorry, that didn't work.").attempts(4)
                .keepingFailedMessagesInTheThread();
        Verdict verdict = run(ScenarioCatalog.builtIn().get("full-outage"), screen, false, Duration.ofSeconds(5));
        assertThat(screen.banners).hasSize(4);
        assertThat(verdict.codes()).as(verdict.explain()).containsExactly(FindingCode.NO_GUIDANCE);
    }

    @Test
    void anIntermediateBannerDoesNotMakeARightFinalMessageWrong() {
        ChatScreen screen = new ChatScreen(failure -> failure.equals("retrying")
                ? "Please check your internet connection…" : "Can't reach the AI service (bad gateway). Try again shortly.")
                .attempts(4).keepingFailedMessagesInTheThread();
        Verdict verdict = run(ScenarioCatalog.builtIn().get("full-outage"), screen, false, Duration.ofSeconds(5));
        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
    }

    @Test
    void aRawErrorShownAlongTheWayIsStillCaught() {
        ChatScreen screen = new ChatScreen(failure -> failure.equals("retrying")
                ? "Error: null" : "Can't reach the AI service (bad gateway). Try again shortly.")
                .attempts(4).keepingFailedMessagesInTheThread();
        Verdict verdict = run(ScenarioCatalog.builtIn().get("full-outage"), screen, false, Duration.ofSeconds(5));
        assertThat(verdict.codes()).as(verdict.explain()).containsExactly(FindingCode.RAW_ERROR_SHOWN);
    }

    @Test
    void aPartialAnswerMarkedInterruptedPassesAndAnUnmarkedOneIsCaught() {
        Verdict marked = run(STREAM_CUT, new ChatScreen(says("Response interrupted — the partial answer is kept. Regenerate?"))
                .keepingFailedMessagesInTheThread(), true, Duration.ofSeconds(5));
        assertThat(marked.report().shown()).hasSize(2);
        assertThat(marked.passed()).as(marked.explain()).isTrue();

        ChatScreen silent = new ChatScreen(says("")).keepingFailedMessagesInTheThread();
        Verdict unmarked = run(STREAM_CUT, silent, true, Duration.ofSeconds(5));
        assertThat(unmarked.report().lastMessage()).hasValueSatisfying(m -> assertThat(m.text()).isNotBlank());
        assertThat(unmarked.codes()).as(unmarked.explain()).containsExactly(FindingCode.TRUNCATION_UNDETECTED);
    }

    @Test
    void aKeyedMessageOfTheRightClassPassesWhateverItsLanguage() {
        Verdict verdict = run("quota-exhausted", new ChatScreen(says("今月の利用上限に達しました。管理者に連絡してください。"))
                .keyed(null).keepingFailedMessagesInTheThread());
        assertThat(verdict.report().lastMessage()).hasValueSatisfying(m -> assertThat(m.key()).isEqualTo("quota_exhausted"));
        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(verdict.notes()).isEmpty();
    }

    @Test
    void aKeyedMessageOfAnotherClassIsWrongGuidanceNamingBoth() {
        Verdict verdict = run("quota-exhausted", new ChatScreen(says("Slow down a little."))
                .keyed("rate_limited").keepingFailedMessagesInTheThread());
        assertThat(verdict.codes()).as(verdict.explain()).containsExactly(FindingCode.WRONG_GUIDANCE);
        assertThat(verdict.findings().get(0).message()).contains("quota_exhausted").contains("rate_limited");
    }

    @Test
    void aMessageInALanguageTheCatalogLacksIsNotFailedButNoted() {
        Verdict verdict = run("access-denied-1020", new ChatScreen(says(
                "L'accesso è stato bloccato dal firewall del servizio. Disattiva la VPN o contatta il supporto."))
                .keepingFailedMessagesInTheThread());
        assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        assertThat(verdict.notes()).singleElement().asString()
                .contains("guidance not judged").contains("Italian (it)").contains("languages: it:");
        assertThat(verdict.explain()).contains("note: guidance not judged");
    }

    @Test
    void aPromptKeptInTheThreadIsKeptAndOneClearedEverywhereIsLost() {
        Verdict kept = run("quota-exhausted", new ChatScreen(says("This app has reached its usage limit."))
                .keepingFailedMessagesInTheThread());
        assertThat(kept.report().draft()).isEmpty();
        assertThat(kept.passed()).as(kept.explain()).isTrue();

        Verdict lost = runClearing(new ChatScreen(says("This app has reached its usage limit.")));
        assertThat(lost.codes()).as(lost.explain()).containsExactly(FindingCode.PROMPT_LOST);
    }

    /** Like {@link #run(String, ChatScreen)} for a screen that clears the composer on send and keeps nothing. */
    private static Verdict runClearing(ChatScreen screen) {
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(ScenarioCatalog.builtIn().get("quota-exhausted"))
                .pacing(StreamPacing.immediate()).start()) {
            screen.send(gateway.baseUrl(), PROMPT, false, Duration.ofSeconds(5));
            screen.composer = "";
            Verdict verdict = gateway.verdict(screen.report(PROMPT));
            System.out.println(verdict.explain());
            return verdict;
        }
    }

    @Test
    void theClientProtocolCarriesKeysAndTheThread() {
        ClientReport parsed = ClientReport.parse(PROMPT, String.join("\n",
                "SHOWN: Sending…",
                "SHOWN[quota_exhausted]: Limite atteinte.",
                "THREAD: " + PROMPT,
                "DRAFT:"));
        try (ChaosGateway gateway = ChaosGateway.builder().scenario(ScenarioCatalog.builtIn().get("quota-exhausted"))
                .pacing(StreamPacing.immediate()).start()) {
            new ChatScreen(says("x")).send(gateway.baseUrl(), PROMPT, false, Duration.ofSeconds(5));
            Verdict verdict = gateway.verdict(parsed);
            assertThat(verdict.passed()).as(verdict.explain()).isTrue();
        }
    }
}
