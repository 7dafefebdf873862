package dev.chaosgate.sdk;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;

/**
 * A thin chat app around Spring AI's OpenAI chat model for {@code chaosgate run --client}, built the way
 * Spring AI's own builders build it without Spring Boot: {@code OpenAiApi.builder()} (a default
 * {@code RestClient.builder()} and {@code WebClient.builder()}, so the JDK {@code HttpClient} carries both,
 * as no other HTTP library Spring looks for is on the class path), {@code OpenAiChatModel.builder()} with its
 * default {@code RetryUtils.DEFAULT_RETRY_TEMPLATE}. Usage: {@code SpringAiClient call|stream}:
 * {@code ChatModel.call(prompt)}, or {@code ChatModel.stream(prompt)} (every answer streamed, whatever
 * CHAOSGATE_STREAM says). Every retry is Spring AI's own.
 *
 * <p>Spring AI appends {@code /v1/chat/completions} to its base URL itself: the base URL is
 * {@code CHAOSGATE_ORIGIN} when set, else {@code CHAOSGATE_BASE_URL} without its trailing {@code /v1}.
 */
public final class SpringAiClient {
    /** Spring AI's RetryUtils error message: "STATUS - BODY". */
    private static final Pattern STATUS_PREFIX = Pattern.compile("^(\\d{3}) - (.*)$", Pattern.DOTALL);

    private SpringAiClient() {
    }

    public static void main(String[] args) {
        run(args);
        // The JDK HttpClient's selector thread and Reactor's schedulers may linger: leave once the screen is written.
        System.exit(0);
    }

    private static void run(String[] args) {
        ChatScreen screen = ChatScreen.fromEnvironment();
        boolean streaming = args.length > 0 && "stream".equals(args[0]);
        OpenAiApi api = OpenAiApi.builder().baseUrl(ChatScreen.origin(System.getenv("CHAOSGATE_ORIGIN"), screen.baseUrl))
                .apiKey(screen.apiKey).build();
        OpenAiChatModel model = OpenAiChatModel.builder().openAiApi(api)
                .defaultOptions(OpenAiChatOptions.builder().model(ChatScreen.MODEL).build()).build();
        Prompt prompt = new Prompt(screen.prompt);
        if (!streaming) {
            String answer;
            try {
                answer = model.call(prompt).getResult().getOutput().getText();
            } catch (RuntimeException e) {
                screen.failed(messageFor(e), "");
                return;
            }
            screen.answered(answer == null ? "" : answer);
            return;
        }
        StringBuilder text = new StringBuilder();
        Flux<ChatResponse> answers = model.stream(prompt);
        try {
            answers.doOnNext(response -> {
                if (response.getResult() != null && response.getResult().getOutput().getText() != null) {
                    text.append(response.getResult().getOutput().getText());
                }
            }).blockLast();
        } catch (RuntimeException e) {
            screen.failed(text.length() == 0 ? messageFor(e) : ChatScreen.INTERRUPTED, text.toString());
            return;
        }
        screen.answered(text.toString());
    }

    /**
     * Spring AI's blocking path raises {@code TransientAiException} (5xx) or {@code NonTransientAiException}
     * (4xx) with the message "STATUS - BODY"; the streaming path lets WebClient's
     * {@code WebClientResponseException} through; I/O failures come as Spring's {@code ResourceAccessException}
     * or the JDK's IOException.
     */
    private static String messageFor(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof WebClientResponseException http) {
                return ChatScreen.messageForStatus(http.getStatusCode().value(), http.getResponseBodyAsString());
            }
            if (e instanceof TransientAiException || e instanceof NonTransientAiException) {
                Matcher status = STATUS_PREFIX.matcher(String.valueOf(e.getMessage()));
                if (status.matches()) {
                    return ChatScreen.messageForStatus(Integer.parseInt(status.group(1)), status.group(2));
                }
            }
        }
        return ChatScreen.connectionMessage(error);
    }
}
