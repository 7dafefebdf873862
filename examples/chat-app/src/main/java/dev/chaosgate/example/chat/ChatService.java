package dev.chaosgate.example.chat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.util.Iterator;

/**
 * Streams the answer to one prompt from the API. Retries are the SDK's ({@link OpenAiClientConfiguration}); this class
 * tells a complete answer from a cut one and a failure from another.
 */
@Service
public class ChatService {
    private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);

    private final OpenAIClient client;
    private final ChatSettings settings;

    ChatService(OpenAIClient client, ChatSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    /** Sends {@code prompt} and reports the answer to {@code listener}; returns when the answer ended or failed. */
    public void stream(String prompt, ChatListener listener) {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(settings.api().model())
                .addUserMessage(prompt)
                .build();
        boolean opened = false;
        boolean started = false;
        boolean finished = false;
        try (StreamResponse<ChatCompletionChunk> answer = client.chat().completions().createStreaming(params)) {
            opened = true;                                // the 200 arrived: from here on, a failure cuts the answer
            Iterator<ChatCompletionChunk> chunks = answer.stream().iterator();
            while (chunks.hasNext()) {
                for (ChatCompletionChunk.Choice choice : chunks.next().choices()) {
                    String text = choice.delta().content().orElse("");
                    if (!text.isEmpty()) {
                        started = true;
                        listener.delta(text);
                    }
                    finished |= choice.finishReason().isPresent();
                }
            }
        } catch (RuntimeException failure) {
            ApiFailure why = FailureClassifier.classify(failure, opened);
            LOG.warn("answer failed ({}): {}", why.failureClass().wireName(), why.raw());
            listener.failed(why, started);
            return;
        }
        if (finished) {
            listener.done();
        } else {
            // The SDK ends a stream that stopped without [DONE] as if it were complete; finish_reason tells them apart.
            LOG.warn("answer cut: the stream ended without a finish_reason");
            listener.failed(FailureClassifier.cutStream(), started);
        }
    }
}
