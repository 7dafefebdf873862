package dev.chaosgate.example.chat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.Map;

/** Writes one answer to the page as server-sent events (the format is on {@link ChatController}). */
final class SseChatListener implements ChatListener {
    private static final Logger LOG = LoggerFactory.getLogger(SseChatListener.class);

    private final SseEmitter events;
    private final PlantedBug bug;
    private volatile boolean pageGone;

    SseChatListener(SseEmitter events, PlantedBug bug) {
        this.events = events;
        this.bug = bug;
    }

    @Override
    public void delta(String text) {
        send("delta", Map.of("text", text));        // JSON, so the spaces and line breaks of the text survive SSE
    }

    @Override
    public void done() {
        send("done", Map.of());
        events.complete();
    }

    @Override
    public void failed(ApiFailure failure, boolean answerStarted) {
        String message = bug == PlantedBug.RAW_ERROR_BODY ? failure.raw() : GuidanceMessages.forFailure(failure);
        send("error", Map.of(
                "failureClass", failure.failureClass().wireName(),
                "message", message,
                "retryable", failure.failureClass().userMayRetry(),
                "answerStarted", answerStarted));
        events.complete();
    }

    private void send(String name, Map<String, Object> data) {
        if (pageGone) {
            return;
        }
        try {
            events.send(SseEmitter.event().name(name).data(data));
        } catch (IOException | IllegalStateException closed) {
            // The user left the page: the rest of the answer has no reader.
            pageGone = true;
            LOG.debug("page gone: {}", closed.toString());
        }
    }
}
