package dev.chaosgate.upstream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.InternalServerException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamExchange;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When the upstream itself fails to answer: a clear JSON 500, logged once, never Jetty's HTML page with a stack trace. */
@Timeout(30)
class UpstreamFailureTest {
    private final Logger log = Logger.getLogger("dev.chaosgate.upstream");
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private UpstreamServer server;
    private boolean useParentHandlers;

    @BeforeEach
    void start() {
        useParentHandlers = log.getUseParentHandlers();
        log.setUseParentHandlers(false);
        log.addHandler(capture);
        server = new UpstreamServer("127.0.0.1", 0, 1, StreamPacing.immediate(), 8, 100);
    }

    @AfterEach
    void stop() {
        server.close();
        log.removeHandler(capture);
        log.setUseParentHandlers(useParentHandlers);
    }

    @Test
    void aFailureInsideTheResponderIsAJson500WithoutAStackTrace() throws Exception {
        server.decider((runtime, facts) -> {
            throw new IllegalStateException("the fault runtime broke");
        });
        HttpClient http = HttpClient.newHttpClient();

        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/chat/completions"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"m\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(response.body()).isEqualTo(
                    "{\"error\":{\"message\":\"chaosgate upstream failed: the fault runtime broke\",\"type\":\"chaosgate_error\"}}");
            assertThat(response.body()).doesNotContain("<html", "at dev.chaosgate", "Exception");
        }

        assertThat(logged).hasSize(2).allSatisfy(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(record.getThrown()).isInstanceOf(IllegalStateException.class);
            assertThat(record.getMessage()).contains("POST /v1/chat/completions");
        });
        assertThat(server.exchanges()).extracting(UpstreamExchange::status).containsExactly(500, 500);
        assertThat(server.exchanges()).extracting(UpstreamExchange::fault).containsOnly("chaosgate error");
        assertThat(server.exchanges()).extracting(UpstreamExchange::streamed).containsOnly(false);
    }

    @Test
    void theSdkSeesAnInternalServerErrorItCanRead() {
        server.decider((runtime, facts) -> {
            throw new IllegalArgumentException();
        });
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(baseUrl()).apiKey("test").maxRetries(0).build();
        try {
            InternalServerException thrown = catchThrowableOfType(InternalServerException.class, () -> sdk.chat().completions()
                    .create(ChatCompletionCreateParams.builder().model("m").addUserMessage("hi").build()));
            assertThat(thrown.getMessage()).isEqualTo("500: chaosgate upstream failed: IllegalArgumentException");
            assertThat(thrown.type()).hasValue("chaosgate_error");
        } finally {
            sdk.close();
        }
        assertThat(logged).hasSize(1);
    }

    @Test
    void aFailingExchangeListenerIsLoggedAndDoesNotBreakAnswers() throws Exception {
        server.onExchange(exchange -> {
            throw new IllegalStateException("listener broke");
        });
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/models")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(server.exchanges()).hasSize(1);
        assertThat(logged).singleElement().satisfies(record -> assertThat(record.getMessage()).contains("listener"));
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }
}
