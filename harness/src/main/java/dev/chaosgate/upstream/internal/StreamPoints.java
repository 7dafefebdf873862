package dev.chaosgate.upstream.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.fixtures.SseEvent;
import dev.chaosgate.upstream.UpstreamFault.StreamFault.Point;
import dev.chaosgate.upstream.WireDialect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds where a stream fault's {@link Point} falls in a stream's events, the same way for Chat Completions
 * chunks and Responses events. The answer's pieces are its text deltas, or for a stream without text (a
 * tool call) the pieces of the call's arguments.
 */
final class StreamPoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamPoints() {
    }

    /**
     * How many events are sent before the fault strikes: never all of them, so a faulted stream never reaches
     * its last event ({@code [DONE]}, {@code response.completed}).
     */
    static int eventsBefore(Point at, List<SseEvent> events) {
        return eventsBefore(at, events, null);
    }

    /** {@link #eventsBefore(Point, List)} in a stream of {@code dialect} (null: OpenAI's). */
    static int eventsBefore(Point at, List<SseEvent> events, WireDialect dialect) {
        int last = Math.max(0, events.size() - 1);
        if (at instanceof Point.AfterEvents after) {
            return Math.min(after.events(), last);
        }
        List<Integer> pieces = answerPieces(events, dialect);
        if (pieces.isEmpty()) {
            // Nothing to aim at (an empty answer): strike as late as a fault may.
            return last;
        }
        if (at instanceof Point.BeforeText) {
            return Math.min(pieces.get(0), last);
        }
        int deltas = ((Point.AfterTextDeltas) at).deltas();
        return Math.min(pieces.get(Math.min(deltas, pieces.size()) - 1) + 1, last);
    }

    /** The indexes of the events that carry a piece of the answer's text, or of a tool call's arguments when there is no text. */
    static List<Integer> answerPieces(List<SseEvent> events) {
        return answerPieces(events, null);
    }

    static List<Integer> answerPieces(List<SseEvent> events, WireDialect dialect) {
        List<Integer> text = new ArrayList<>();
        List<Integer> arguments = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (dialect != null) {
                switch (dialect.piece(events.get(i))) {
                    case TEXT -> text.add(i);
                    case ARGUMENTS -> arguments.add(i);
                    case NONE -> {
                    }
                }
                continue;
            }
            JsonNode data = data(events.get(i));
            if (data == null) {
                continue;
            }
            if (carriesText(events.get(i), data)) {
                text.add(i);
            } else if (carriesArguments(events.get(i), data)) {
                arguments.add(i);
            }
        }
        return text.isEmpty() ? arguments : text;
    }

    /** Whether an event carries answer text: a Chat Completions content delta or a Responses output_text delta. */
    static boolean carriesText(SseEvent event) {
        return carriesText(event, (WireDialect) null);
    }

    /** {@link #carriesText(SseEvent)} for an event of {@code dialect} (null: OpenAI's). */
    static boolean carriesText(SseEvent event, WireDialect dialect) {
        if (dialect != null) {
            return dialect.piece(event) == WireDialect.Piece.TEXT;
        }
        JsonNode data = data(event);
        return data != null && carriesText(event, data);
    }

    private static boolean carriesText(SseEvent event, JsonNode data) {
        if ("response.output_text.delta".equals(type(event, data))) {
            return !data.path("delta").asText("").isEmpty();
        }
        return !data.path("choices").path(0).path("delta").path("content").asText("").isEmpty();
    }

    private static boolean carriesArguments(SseEvent event, JsonNode data) {
        if ("response.function_call_arguments.delta".equals(type(event, data))) {
            return !data.path("delta").asText("").isEmpty();
        }
        for (JsonNode call : data.path("choices").path(0).path("delta").path("tool_calls")) {
            if (!call.path("function").path("arguments").asText("").isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static String type(SseEvent event, JsonNode data) {
        return data.path("type").asText(event.event() == null ? "" : event.event());
    }

    private static JsonNode data(SseEvent event) {
        if (event.isDone()) {
            return null;
        }
        try {
            return JSON.readTree(event.data());
        } catch (IOException e) {
            return null;
        }
    }
}
