package dev.chaosgate.sdk;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.SseException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import java.util.Iterator;

/**
 * A thin chat app around Anthropic's official Java SDK ({@code AnthropicOkHttpClient} with its default
 * retry policy and timeouts) for {@code chaosgate run --client}, on chaosgate's Anthropic wire dialect: one
 * {@code messages().create} call, or {@code createStreaming} when CHAOSGATE_STREAM=true; every retry is the
 * SDK's own. The SDK appends {@code /v1/messages} to its base URL itself, so it gets the origin.
 */
public final class AnthropicJavaClient {
    /** The model and token budget of the Node Anthropic app: the SDK derives its default timeout from max_tokens. */
    static final String MODEL = "claude-sonnet-4-5";
    static final long MAX_TOKENS = 1024;

    private AnthropicJavaClient() {
    }

    public static void main(String[] args) {
        run();
        // OkHttp's dispatcher and the SDK's sleeper threads may linger: leave once the screen is written.
        System.exit(0);
    }

    private static void run() {
        ChatScreen screen = ChatScreen.fromEnvironment();
        AnthropicClient client = AnthropicOkHttpClient.builder()
                .baseUrl(ChatScreen.origin(System.getenv("CHAOSGATE_ORIGIN"), screen.baseUrl))
                .apiKey(screen.apiKey).build();
        MessageCreateParams params = MessageCreateParams.builder()
                .model(MODEL).maxTokens(MAX_TOKENS)
                .system("You are a helpful assistant in a chat app.")
                .addUserMessage(screen.prompt).build();
        try {
            if (!screen.stream) {
                Message message;
                try {
                    message = client.messages().create(params);
                } catch (RuntimeException e) {
                    screen.failed(messageFor(e), "");
                    return;
                }
                StringBuilder text = new StringBuilder();
                message.content().forEach(block -> block.text().ifPresent(t -> text.append(t.text())));
                screen.answered(text.toString());
                return;
            }
            StringBuilder text = new StringBuilder();
            StreamResponse<RawMessageStreamEvent> events;
            try {
                events = client.messages().createStreaming(params);
            } catch (RuntimeException e) {
                screen.failed(messageFor(e), "");
                return;
            }
            // The app trusts the SDK to end the stream at its end and to throw on a broken one (an
            // `event: error`, a reset), as the SDK's docs show; it does not look for message_stop itself.
            try (events) {
                for (Iterator<RawMessageStreamEvent> it = events.stream().iterator(); it.hasNext(); ) {
                    it.next().contentBlockDelta()
                            .flatMap(delta -> delta.delta().text())
                            .ifPresent(delta -> text.append(delta.text()));
                }
            } catch (RuntimeException e) {
                boolean broken = text.length() > 0 || e instanceof SseException;
                screen.failed(broken ? ChatScreen.INTERRUPTED : messageFor(e), text.toString());
                return;
            }
            screen.answered(text.toString());
        } finally {
            client.close();
        }
    }

    /**
     * AnthropicServiceException carries the status and the parsed body, whose {@code error.type} is
     * Anthropic's (overloaded_error, rate_limit_error, ...); I/O failures and timeouts have no status.
     */
    private static String messageFor(RuntimeException e) {
        if (e instanceof AnthropicServiceException service && service.statusCode() >= 400) {
            return ChatScreen.messageForStatus(service.statusCode(), service.body() + " " + e.getMessage());
        }
        return ChatScreen.connectionMessage(e);
    }
}
