package dev.chaosgate.upstream;

import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.FixtureValues;
import dev.chaosgate.fixtures.SseEvent;
import dev.chaosgate.fixtures.SseStream;
import dev.chaosgate.fixtures.ToolCall;
import dev.chaosgate.fixtures.WireResponse;

import java.util.List;
import java.util.Map;

/**
 * A provider's wire shape over the one fault model: how a request to that provider reads (the user's turn, the
 * conversation, the tools offered) and how the fake model's answer and every {@link UpstreamFault} look on its
 * wire. A dialect adds no fault: the upstream decides each request the same way whatever its dialect, and asks the
 * dialect only to write the answer, the error body of a status, and the error event of a broken stream.
 *
 * <p>The upstream picks the dialect of each request by its path ({@link #serves}), so one gateway serves
 * OpenAI-style and, say, Anthropic clients at once. Requests no dialect claims are OpenAI's (Chat Completions,
 * Responses, models).
 */
public interface WireDialect {

    /** The name {@code run --provider} and the docs use, e.g. {@code anthropic}. */
    String name();

    /** Whether a request of {@code method} to {@code path} (without its query) asks this dialect for a model's answer. */
    boolean serves(String method, String path);

    /** Reads a request this dialect {@link #serves}. Never throws: a body that is not JSON is a {@link Request#parseError}. */
    Request read(String method, String path, String body);

    /** The whole (not streamed) answer to {@code request}. */
    WireResponse answer(Request request, Reply reply, FixtureValues values);

    /** The streamed answer to {@code request}, every event of it: a stream fault cuts it where it strikes. */
    SseStream stream(Request request, Reply reply, FixtureValues values);

    /**
     * The provider's own error answer for an error fault of {@code status}. {@code meaning} is the failure class of
     * the fault's fixture (a 429 may be a rate limit or an exhausted quota), which picks the error's wording.
     * Null when the provider has no error of its own for it: the fault's fixture is sent as OpenAI writes it.
     */
    WireResponse error(int status, FailureClass meaning, FixtureValues values);

    /**
     * Headers the provider sends beside a fault's {@code Retry-After} in its own error answers (none by default;
     * Azure OpenAI adds {@code retry-after-ms}). A fault's own {@code retryAfterMs} wins over them.
     */
    default Map<String, String> besideRetryAfter(RetryAfter retryAfter) {
        return Map.of();
    }

    /**
     * The provider's error answer {@code error} (its own, from {@link #error}) for a fault that sets a Retry-After:
     * by default with the {@link #besideRetryAfter} headers added. Gemini also writes the wait into its body.
     */
    default WireResponse withRetryAfter(WireResponse error, RetryAfter retryAfter) {
        WireResponse wire = error;
        for (Map.Entry<String, String> header : besideRetryAfter(retryAfter).entrySet()) {
            wire = wire.withHeader(header.getKey(), header.getValue());
        }
        return wire;
    }

    /** The error event an already open 200 stream ends with, for a stream fault of kind {@code error}. */
    SseEvent streamError(FixtureValues values);

    /**
     * The bytes that end an already open 200 stream for a stream fault of kind {@code error}: {@link #streamError} as
     * an SSE event by default. A provider that writes its error into the stream some other way (Gemini: a bare JSON
     * object, no {@code data:}) says so here.
     */
    default byte[] streamErrorBytes(FixtureValues values) {
        return streamError(values).encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What an event of this dialect's stream carries, so a stream fault strikes at the same point in every dialect. */
    Piece piece(SseEvent event);

    /** What a stream event carries of the answer. */
    enum Piece {
        /** A piece of the answer's text. */
        TEXT,
        /** A piece of a tool call's arguments. */
        ARGUMENTS,
        /** Neither: framing, metadata, a keep-alive. */
        NONE
    }

    /** Who a turn of the conversation is from. */
    enum Role {
        /** The user's own words. */
        USER,
        /** A model turn: an answer, or a call of a tool. */
        MODEL,
        /** A tool's result sent back to the model. */
        TOOL_RESULT
    }

    /**
     * A request, read into what every dialect has.
     *
     * @param model      the model asked for
     * @param stream     whether the answer is to be streamed
     * @param turns      the conversation, oldest first, without system text (which is context, never the prompt)
     * @param tool       the first tool offered, or null when none is (or the request forbids using tools)
     * @param limit      the output token limit the request set, or null
     * @param parseError why the body could not be read, or null
     */
    record Request(String model, boolean stream, List<Turn> turns, Tool tool, Integer limit, String parseError) {
        public Request {
            turns = List.copyOf(turns);
        }

        /** A request whose body could not be read. */
        public static Request unreadable(String model, String why) {
            return new Request(model, false, List.of(), null, null, why);
        }
    }

    /** One turn: its author and its text (a tool call has none). */
    record Turn(Role role, String text) {
    }

    /** A tool offered, with the parameters a call must fill in. */
    record Tool(String name, List<Parameter> required) {
        public Tool {
            required = List.copyOf(required);
        }
    }

    /** A parameter of a tool: its name and JSON type ({@code string}, {@code integer}, ...). */
    record Parameter(String name, String type) {
    }

    /**
     * What the fake model answers: text (possibly cut at the token limit) or a call of a tool.
     *
     * @param text   the answer's text ({@code ""} for a tool call)
     * @param pieces the text in word-sized pieces, one per streamed delta
     * @param call   the tool call, or null
     * @param cut    whether the text was cut at the request's token limit
     */
    record Reply(String text, List<String> pieces, ToolCall call, boolean cut) {
        public Reply {
            pieces = List.copyOf(pieces);
        }
    }
}
