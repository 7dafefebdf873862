package dev.chaosgate.sdk;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.Iterator;

/**
 * A thin chat app around openai-java ({@code OpenAIOkHttpClient} with its default retry policy and
 * timeouts) for {@code chaosgate run --client}: one {@code chat().completions().create} call, or
 * {@code createStreaming} when CHAOSGATE_STREAM=true; every retry is the SDK's own.
 */
public final class OpenAiJavaClient {
    private OpenAiJavaClient() {
    }

    public static void main(String[] args) {
        run(args);
        // The SDK's HTTP client may keep non-daemon threads: leave once the screen is written.
        System.exit(0);
    }

    private static void run(String[] args) {
        ChatScreen screen = ChatScreen.fromEnvironment();
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(screen.baseUrl).apiKey(screen.apiKey).build();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(ChatScreen.MODEL).addUserMessage(screen.prompt).build();
        try {
            if (!screen.stream) {
                ChatCompletion completion;
                try {
                    completion = client.chat().completions().create(params);
                } catch (RuntimeException e) {
                    screen.failed(messageFor(e), "");
                    return;
                }
                screen.answered(completion.choices().isEmpty() ? ""
                        : completion.choices().get(0).message().content().orElse(""));
                return;
            }
            StringBuilder text = new StringBuilder();
            StreamResponse<ChatCompletionChunk> chunks;
            try {
                chunks = client.chat().completions().createStreaming(params);
            } catch (RuntimeException e) {
                screen.failed(messageFor(e), "");
                return;
            }
            // The app trusts the SDK to end the stream on [DONE] and to throw on a broken one.
            try (chunks) {
                for (Iterator<ChatCompletionChunk> it = chunks.stream().iterator(); it.hasNext(); ) {
                    ChatCompletionChunk chunk = it.next();
                    if (!chunk.choices().isEmpty()) chunk.choices().get(0).delta().content().ifPresent(text::append);
                }
            } catch (RuntimeException e) {
                screen.failed(text.length() > 0 ? ChatScreen.INTERRUPTED : messageFor(e), text.toString());
                return;
            }
            screen.answered(text.toString());
        } finally {
            client.close();
        }
    }

    /** OpenAIServiceException carries the status and the raw body; I/O failures and timeouts do not. */
    private static String messageFor(RuntimeException e) {
        if (e instanceof OpenAIServiceException service && service.statusCode() >= 400) {
            return ChatScreen.messageForStatus(service.statusCode(), String.valueOf(service.body()) + " " + e.getMessage());
        }
        return ChatScreen.connectionMessage(e);
    }
}
