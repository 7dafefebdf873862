package dev.chaosgate.sdk;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.concurrent.CompletableFuture;

/**
 * A thin chat app around LangChain4j's own OpenAI or Anthropic client for {@code chaosgate run --client}, with
 * the models' default retries and timeouts. Usage: {@code LangChain4jClient plain|streaming [openai|anthropic]}:
 * {@code OpenAiChatModel.chat(prompt)} / {@code AnthropicChatModel.chat(prompt)}, or the streaming model's
 * {@code chat(prompt, handler)} (the streaming app streams every answer, whatever CHAOSGATE_STREAM says).
 * Both providers' models take the base URL with {@code /v1} (their defaults end in {@code /v1}). Every retry
 * is LangChain4j's own.
 */
public final class LangChain4jClient {
    private LangChain4jClient() {
    }

    public static void main(String[] args) {
        run(args);
        // The SDK's HTTP client may keep non-daemon threads: leave once the screen is written.
        System.exit(0);
    }

    private static void run(String[] args) {
        ChatScreen screen = ChatScreen.fromEnvironment();
        boolean streaming = args.length > 0 && "streaming".equals(args[0]);
        boolean anthropic = args.length > 1 && "anthropic".equals(args[1]);
        if (!streaming) {
            ChatModel model = anthropic
                    ? AnthropicChatModel.builder()
                            .baseUrl(screen.baseUrl).apiKey(screen.apiKey).modelName(AnthropicJavaClient.MODEL).build()
                    : OpenAiChatModel.builder()
                            .baseUrl(screen.baseUrl).apiKey(screen.apiKey).modelName(ChatScreen.MODEL).build();
            String answer;
            try {
                answer = model.chat(screen.prompt);
            } catch (RuntimeException e) {
                screen.failed(messageFor(e), "");
                return;
            }
            screen.answered(answer == null ? "" : answer);
            return;
        }
        StreamingChatModel model = anthropic
                ? AnthropicStreamingChatModel.builder()
                        .baseUrl(screen.baseUrl).apiKey(screen.apiKey).modelName(AnthropicJavaClient.MODEL).build()
                : OpenAiStreamingChatModel.builder()
                        .baseUrl(screen.baseUrl).apiKey(screen.apiKey).modelName(ChatScreen.MODEL).build();
        StringBuilder text = new StringBuilder();
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        model.chat(screen.prompt, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                synchronized (text) {
                    text.append(partial);
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(null);
            }

            @Override
            public void onError(Throwable error) {
                done.complete(error);
            }
        });
        Throwable error = done.join();
        String partial;
        synchronized (text) {
            partial = text.toString();
        }
        if (error == null) {
            screen.answered(partial);
        } else {
            screen.failed(partial.isEmpty() ? messageFor(error) : ChatScreen.INTERRUPTED, partial);
        }
    }

    /**
     * LangChain4j maps an HTTP error to an exception whose cause is the HttpException with the status and the
     * body; an Anthropic `event: error` is an AnthropicStreamingException, which has no status.
     */
    private static String messageFor(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof HttpException http) return ChatScreen.messageForStatus(http.statusCode(), http.getMessage());
        }
        return ChatScreen.connectionMessage(error);
    }
}
