package dev.chaosgate.sdk;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.concurrent.CompletableFuture;

/**
 * A thin chat app around LangChain4j's own OpenAI client for {@code chaosgate run --client}, with the
 * models' default retries and timeouts. Usage: {@code LangChain4jClient plain|streaming}:
 * {@code OpenAiChatModel.chat(prompt)}, or {@code OpenAiStreamingChatModel.chat(prompt, handler)}
 * (the streaming app streams every answer, whatever CHAOSGATE_STREAM says). Every retry is LangChain4j's own.
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
        if (!streaming) {
            OpenAiChatModel model = OpenAiChatModel.builder()
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
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder()
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

    /** LangChain4j maps an HTTP error to an HttpException subclass that keeps the status and the body. */
    private static String messageFor(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof HttpException http) return ChatScreen.messageForStatus(http.statusCode(), http.getMessage());
        }
        return ChatScreen.isTimeout(error) ? ChatScreen.TIMEOUT : ChatScreen.CONNECTION;
    }
}
