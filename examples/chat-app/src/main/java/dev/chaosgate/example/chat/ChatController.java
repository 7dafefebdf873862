package dev.chaosgate.example.chat;

import org.springframework.core.task.TaskExecutor;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.time.Duration;
import java.util.Map;

/**
 * The page's API. {@code POST /api/chat} with {@code {"prompt": "..."}} answers with server-sent events:
 * <ul>
 *   <li>{@code delta} {@code {"text": "..."}}: the next piece of the answer;</li>
 *   <li>{@code done} {@code {}}: the answer is complete;</li>
 *   <li>{@code error} {@code {"failureClass": "bad_gateway", "message": "...", "retryable": true, "answerStarted": false}}:
 *       the answer failed (after the SDK's retries); {@code message} is the guidance to show, {@code retryable} whether
 *       a Retry button can help, {@code answerStarted} whether deltas were shown before (then the answer is cut).</li>
 * </ul>
 */
@RestController
class ChatController {
    /** Longer than the SDK's 3-minute request timeout, so the stream always ends with done or error. */
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(4);

    private final ChatService chat;
    private final TaskExecutor executor;
    private final ChatSettings settings;

    ChatController(ChatService chat, TaskExecutor executor, ChatSettings settings) {
        this.chat = chat;
        this.executor = executor;
        this.settings = settings;
    }

    record ChatRequest(String prompt) {
    }

    @PostMapping(path = "/api/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    ResponseEntity<SseEmitter> chat(@RequestBody ChatRequest request) {
        if (request.prompt() == null || request.prompt().isBlank()) {
            return ResponseEntity.badRequest().build();
        }
        SseEmitter events = new SseEmitter(STREAM_TIMEOUT.toMillis());
        // The SDK blocks while it retries and streams, so the answer is produced off the request thread.
        executor.execute(() -> chat.stream(request.prompt(), new SseChatListener(events, settings.bug())));
        return ResponseEntity.ok(events);
    }

    /** What the page needs to know at load time: only the planted prompt bug, which lives in the page's script. */
    @GetMapping("/api/page-settings")
    Map<String, Object> pageSettings() {
        return Map.of("clearPromptOnError", settings.bug() == PlantedBug.CLEAR_PROMPT_ON_ERROR);
    }
}
