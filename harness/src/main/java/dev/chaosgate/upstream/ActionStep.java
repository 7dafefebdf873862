package dev.chaosgate.upstream;

import java.util.Objects;

/**
 * Where a generation request stands in the user's action, read from the conversation it carries, and how
 * the fake model's answer to it ended. An action is what one user message sets off: its first call, and
 * the calls that carry it on, each a <em>step</em>:
 * <ul>
 *   <li>a tool-result round trip: the conversation ends with the user's turn followed by model turns that
 *       called tools and the tools' results (Chat Completions {@code assistant} messages with
 *       {@code tool_calls} and {@code tool} messages; Responses {@code function_call} and
 *       {@code function_call_output} items, or {@code previous_response_id} naming a response of the action);</li>
 *   <li>a continuation: the model's last turn was cut at the length limit ({@code finish_reason: "length"},
 *       Responses {@code status: "incomplete"}) and the request carries it followed by another user turn
 *       (typically "continue").</li>
 * </ul>
 * Read by the fake upstream, which remembers the answers it cut at the length limit and the Responses it
 * gave, so the step does not depend on the client's wording.
 *
 * @param step        1 for a request that starts an action; N for the N-th step of one (after N-1 model turns)
 * @param openingTurn the user's turn that opened the action: the request's own user turn for step 1 and for a
 *                    tool-result round trip, the user's turn before the first cut answer for a continuation
 * @param ending      how the fake model's answer ended, or null when no normal answer was given (a fault, or
 *                    a call that is not a generation)
 */
public record ActionStep(int step, String openingTurn, Ending ending) {

    /** How a normal answer ended. */
    public enum Ending {
        /** A whole text answer ({@code finish_reason: "stop"}, Responses {@code completed} with a message). */
        ANSWER,
        /** Cut at the request's token limit ({@code finish_reason: "length"}, Responses {@code incomplete}): the action may continue. */
        LENGTH,
        /** A call of a tool the request offered ({@code finish_reason: "tool_calls"}, a Responses {@code function_call}): the action continues with its result. */
        TOOL_CALL
    }

    public ActionStep {
        if (step < 1) {
            throw new IllegalArgumentException("step must be >= 1, got " + step);
        }
        openingTurn = Objects.requireNonNullElse(openingTurn, "");
    }

    /** The first step of an action opened by {@code userTurn}, answered as {@code ending} (null: not answered normally). */
    public static ActionStep first(String userTurn, Ending ending) {
        return new ActionStep(1, userTurn, ending);
    }

    /** Whether the answer leaves the action open for a next step (a tool call, or an answer cut at the length limit). */
    public boolean continues() {
        return ending == Ending.TOOL_CALL || ending == Ending.LENGTH;
    }

    /** This step with its answer's ending. */
    public ActionStep endingWith(Ending newEnding) {
        return new ActionStep(step, openingTurn, newEnding);
    }
}
