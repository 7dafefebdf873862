package dev.chaosgate.upstream.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaosgate.fixtures.ChatFixtures;
import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.FixtureValues;
import dev.chaosgate.fixtures.SseEvent;
import dev.chaosgate.fixtures.ToolCall;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.UpstreamFault.StreamFault;
import dev.chaosgate.upstream.UpstreamFault.StreamFault.Point;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where a stream fault strikes, counted on the fixtures' real streams of both dialects. The expected
 * indexes come from the wire format (a Chat stream opens with one role chunk, a Responses stream with
 * four events before its first text), written out here rather than read from the code under test.
 */
class StreamPointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FixtureValues VALUES = FixtureValues.random(7);
    private static final List<String> WORDS = List.of("One", " two", " three", " four");
    private static final ToolCall CALL = new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}");

    private static List<SseEvent> chat() {
        return ChatFixtures.stream("gpt-4o-mini", WORDS, VALUES, false).events();
    }

    private static List<SseEvent> responses() {
        return ChatFixtures.responseStream("gpt-4o-mini", WORDS, VALUES).events();
    }

    /** The text a client has read from the events sent before the fault. */
    private static String textBefore(List<SseEvent> events, Point at) throws Exception {
        StringBuilder text = new StringBuilder();
        for (SseEvent event : events.subList(0, StreamPoints.eventsBefore(at, events))) {
            if (event.isDone()) {
                continue;
            }
            var data = JSON.readTree(event.data());
            text.append("response.output_text.delta".equals(data.path("type").asText()) ? data.path("delta").asText("")
                    : data.path("choices").path(0).path("delta").path("content").asText(""));
        }
        return text.toString();
    }

    @Test
    void afterTextDeltasStrikesAfterTheSameTextInBothDialects() throws Exception {
        Point twoPieces = new Point.AfterTextDeltas(2);
        // Chat: [role chunk, One, two, three, four, finish chunk, DONE]: after " two" is index 3.
        assertThat(StreamPoints.eventsBefore(twoPieces, chat())).isEqualTo(3);
        // Responses: [created, in_progress, output_item.added, content_part.added, One, two, ...]: index 6.
        assertThat(StreamPoints.eventsBefore(twoPieces, responses())).isEqualTo(6);
        assertThat(textBefore(chat(), twoPieces)).isEqualTo("One two");
        assertThat(textBefore(responses(), twoPieces)).isEqualTo("One two");
        assertThat(textBefore(responses(), new Point.AfterTextDeltas(1))).isEqualTo("One");
    }

    @Test
    void theSameEventCountStrikesAtDifferentPlacesOfTheAnswer() throws Exception {
        // The reason for afterTextDeltas: three events are two words of a Chat answer and none of a Responses one.
        Point threeEvents = new Point.AfterEvents(3);
        assertThat(textBefore(chat(), threeEvents)).isEqualTo("One two");
        assertThat(textBefore(responses(), threeEvents)).isEmpty();
    }

    @Test
    void beforeTextStrikesRightBeforeTheFirstPieceOfText() throws Exception {
        Point before = new Point.BeforeText();
        assertThat(StreamPoints.eventsBefore(before, chat())).isEqualTo(1);
        assertThat(StreamPoints.eventsBefore(before, responses())).isEqualTo(4);
        assertThat(textBefore(chat(), before)).isEmpty();
        assertThat(textBefore(responses(), before)).isEmpty();
    }

    @Test
    void aShortAnswerMeetsTheFaultAfterItsLastPieceAndNeverAtItsEnd() throws Exception {
        List<SseEvent> oneWord = ChatFixtures.stream("gpt-4o-mini", List.of("Hi"), VALUES, false).events();
        // [role, Hi, finish, DONE]
        assertThat(StreamPoints.eventsBefore(new Point.AfterTextDeltas(5), oneWord)).isEqualTo(2);
        assertThat(textBefore(oneWord, new Point.AfterTextDeltas(5))).isEqualTo("Hi");
        // afterEvents keeps its cap: never the last event, so never [DONE] or response.completed.
        assertThat(StreamPoints.eventsBefore(new Point.AfterEvents(10_000), oneWord)).isEqualTo(oneWord.size() - 1);
        List<SseEvent> empty = ChatFixtures.stream("gpt-4o-mini", List.of(), VALUES, false).events();
        assertThat(StreamPoints.eventsBefore(new Point.AfterTextDeltas(2), empty)).isEqualTo(empty.size() - 1);
        assertThat(StreamPoints.eventsBefore(new Point.BeforeText(), empty)).isEqualTo(empty.size() - 1);
    }

    @Test
    void aToolCallStreamWithoutTextCountsItsArgumentPieces() {
        // The arguments (33 characters) stream in pieces of 8: 5 pieces.
        List<SseEvent> chatCall = ChatFixtures.toolCallStream("gpt-4o-mini", CALL, VALUES, false).events();
        // Chat: [role + call header, 5 argument pieces, finish (tool_calls), DONE]
        assertThat(chatCall).hasSize(8);
        assertThat(StreamPoints.eventsBefore(new Point.AfterTextDeltas(2), chatCall)).isEqualTo(3);
        assertThat(StreamPoints.eventsBefore(new Point.BeforeText(), chatCall)).isEqualTo(1);
        assertThat(StreamPoints.eventsBefore(new Point.AfterTextDeltas(99), chatCall)).isEqualTo(6);
        List<SseEvent> responsesCall = ChatFixtures.toolCallResponseStream("gpt-4o-mini", CALL, VALUES).events();
        // Responses: [created, in_progress, output_item.added, 5 argument deltas, arguments.done, item.done, completed]
        assertThat(responsesCall).hasSize(11);
        assertThat(StreamPoints.eventsBefore(new Point.AfterTextDeltas(2), responsesCall)).isEqualTo(5);
        assertThat(StreamPoints.eventsBefore(new Point.BeforeText(), responsesCall)).isEqualTo(3);
        // No text was sent, so the failure is a plain one of its kind, never stream_interrupted.
        assertThat(UpstreamResponder.failureClass(Faults.streamCut(), chatCall)).isEqualTo(FailureClass.CONNECTION_FAILURE.name());
        assertThat(UpstreamResponder.failureClass(Faults.streamError(), responsesCall)).isEqualTo(FailureClass.SERVER_ERROR.name());
    }

    @Test
    void theFailureClassFollowsWhetherTextWasSent() {
        assertThat(UpstreamResponder.failureClass(Faults.streamCut(), responses())).isEqualTo(FailureClass.STREAM_INTERRUPTED.name());
        assertThat(UpstreamResponder.failureClass(Faults.streamCut().beforeText(), responses())).isEqualTo(FailureClass.CONNECTION_FAILURE.name());
        assertThat(UpstreamResponder.failureClass(Faults.streamReset().beforeText(), chat())).isEqualTo(FailureClass.CONNECTION_FAILURE.name());
        assertThat(UpstreamResponder.failureClass(Faults.streamStall(Duration.ofSeconds(1)).beforeText(), chat())).isNull();
        assertThat(UpstreamResponder.failureClass(Faults.streamStall(Duration.ofSeconds(1)), chat())).isEqualTo(FailureClass.STREAM_INTERRUPTED.name());
    }

    @Test
    void theStepsStopAtThePointAndAStallCarriesOnToTheEnd() {
        List<SseEvent> events = responses();
        List<EventStream.Step> cut = UpstreamResponder.steps(events, Faults.streamCut(), true, "gpt-4o-mini", VALUES);
        assertThat(cut).hasSize(6).allMatch(EventStream.Emit.class::isInstance);
        List<EventStream.Step> reset = UpstreamResponder.steps(events, Faults.streamReset(), true, "gpt-4o-mini", VALUES);
        assertThat(reset).hasSize(7).last().isInstanceOf(EventStream.Reset.class);
        List<EventStream.Step> stall = UpstreamResponder.steps(events, Faults.streamStall(Duration.ofSeconds(3)), true, "gpt-4o-mini", VALUES);
        assertThat(stall).hasSize(events.size() + 1);
        assertThat(stall.get(6)).isEqualTo(new EventStream.Pause(Duration.ofSeconds(3)));
    }

    @Test
    void pointsAreValidatedWhenBuilt() {
        assertThatThrownBy(() -> Faults.streamCut().afterTextDeltas(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("afterTextDeltas must be >= 1, got 0").hasMessageContaining("beforeText");
        assertThatThrownBy(() -> Faults.streamCut().afterEvents(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("afterEvents must be >= 0");
        assertThat(Faults.streamCut().label()).isEqualTo("stream cut after 2 text deltas");
        assertThat(Faults.streamReset().beforeText().label()).isEqualTo("stream reset before any text");
        assertThat(Faults.streamErrorAfter(3).label()).isEqualTo("stream error after 3 events");
        assertThat(Faults.streamCutAfter(3)).isEqualTo(new StreamFault(StreamFault.Kind.CUT, 3, Duration.ZERO));
    }
}
