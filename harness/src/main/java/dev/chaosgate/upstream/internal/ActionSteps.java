package dev.chaosgate.upstream.internal;

import dev.chaosgate.upstream.ActionStep;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads which step of the user's action a generation request is (see {@link ActionStep}), from the
 * conversation it carries and from what the fake model answered before: answers it cut at the length
 * limit (a later request carrying one, then a user turn, continues that action) and the Responses it
 * gave ({@code previous_response_id} chains onto their action). Bounded: the oldest memories go first.
 * Thread-safe.
 */
final class ActionSteps {
    private static final int REMEMBERED = 4096;

    /** Answers cut at the length limit, by their normalised text: the step they answered. */
    private final Map<String, ActionStep> cutAnswers = bounded();
    /** Responses given, by id: the step they answered and how they ended. */
    private final Map<String, ActionStep> responses = bounded();

    synchronized ActionStep stepOf(OpenAiRequest request) {
        List<OpenAiRequest.Turn> turns = request.turns();
        int user = request.lastUserTurn();
        ActionStep previous = request.previousResponseId() == null ? null : responses.get(request.previousResponseId());
        if (user < 0) {
            // A Responses tool result (or an empty conversation) chained onto an earlier response.
            return previous == null ? ActionStep.first("", null)
                    : new ActionStep(previous.step() + 1 + modelTurns(turns, 0, turns.size()), previous.openingTurn(), null);
        }
        int step = 1 + modelTurns(turns, user + 1, turns.size());
        String opening = turns.get(user).text();
        if (previous != null && previous.ending() == ActionStep.Ending.LENGTH && modelTurns(turns, 0, user) == 0) {
            // "continue" sent with previous_response_id after an incomplete response.
            return new ActionStep(previous.step() + step, previous.openingTurn(), null);
        }
        while (user > 0 && turns.get(user - 1).role() == OpenAiRequest.Role.MODEL
                && cutAnswers.containsKey(normalize(turns.get(user - 1).text()))) {
            int earlier = lastUser(turns, user - 1);
            if (earlier < 0) {
                break;
            }
            step += modelTurns(turns, earlier + 1, user);
            opening = turns.get(earlier).text();
            user = earlier;
        }
        return new ActionStep(step, opening, null);
    }

    /** The fake model answered {@code step} with {@code text}, ending as {@code step.ending()}; {@code responseId} for the Responses API. */
    synchronized void answered(ActionStep step, String text, String responseId) {
        if (step.ending() == ActionStep.Ending.LENGTH && text != null) {
            cutAnswers.put(normalize(text), step);
        }
        if (responseId != null) {
            responses.put(responseId, step);
        }
    }

    private static int modelTurns(List<OpenAiRequest.Turn> turns, int from, int to) {
        int count = 0;
        for (int i = from; i < to; i++) {
            if (turns.get(i).role() == OpenAiRequest.Role.MODEL) {
                count++;
            }
        }
        return count;
    }

    private static int lastUser(List<OpenAiRequest.Turn> turns, int before) {
        for (int i = before - 1; i >= 0; i--) {
            if (turns.get(i).role() == OpenAiRequest.Role.USER) {
                return i;
            }
        }
        return -1;
    }

    private static String normalize(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static <V> Map<String, V> bounded() {
        return new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > REMEMBERED;
            }
        };
    }
}
