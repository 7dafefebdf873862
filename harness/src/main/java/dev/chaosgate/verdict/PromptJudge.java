package dev.chaosgate.verdict;

import java.util.List;
import java.util.Locale;

/**
 * {@code PROMPT_CHANGED}, {@code PROMPT_LOST}: the user's words are sent as typed and survive a failure.
 *
 * <p>{@code PROMPT_CHANGED} looks at retries only: an attempt that repeats a step of the action already
 * tried. Its user turn must be the typed prompt, or the user turn the first attempt of that step sent
 * (the first attempt's wording, e.g. a RAG template around the prompt, is the app's business; sending the
 * same again is keeping it). Instructions, system and developer messages and history are never compared.
 */
final class PromptJudge implements Judge {
    static String normalize(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static boolean keptInComposer(VerdictCase c, String typed) {
        return normalize(c.report().draft()).contains(typed);
    }

    private static boolean keptInThread(VerdictCase c, String typed) {
        return c.report().thread().stream().anyMatch(t -> normalize(t).contains(typed));
    }

    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        String typed = normalize(c.report().prompt());
        java.util.Map<Integer, Attempt> firstOfStep = new java.util.HashMap<>();
        for (Attempt attempt : c.attempts()) {
            // A request the upstream never received has no prompt on record, so nothing to compare.
            if (!attempt.reachedUpstream()) {
                continue;
            }
            Attempt first = firstOfStep.putIfAbsent(attempt.step(), attempt);
            if (first == null) {
                continue;
            }
            String sent = normalize(attempt.prompt());
            if (!sent.equals(typed) && !sent.equals(normalize(first.prompt()))) {
                findings.add(Finding.of(FindingCode.PROMPT_CHANGED,
                        "attempt " + attempt.number() + " retried attempt " + first.number() + " with a different user turn;"
                                + " a good client retries with exactly the user's words",
                        "typed: \"" + c.report().prompt() + "\"",
                        "attempt " + first.number() + " sent: \"" + first.prompt() + "\"",
                        "attempt " + attempt.number() + " sent: \"" + attempt.prompt() + "\""));
                break;
            }
        }
        // PROMPT_LOST: kept in the composer, or in the thread as the failed message with a Retry action
        if (c.expect().promptSurvives() && c.gaveUp() && !keptInComposer(c, typed) && !keptInThread(c, typed)) {
            List<String> evidence = new java.util.ArrayList<>(List.of("typed: \"" + c.report().prompt() + "\"",
                    "composer at the end: " + (c.report().draft().isEmpty() ? "empty" : "\"" + c.report().draft() + "\"")));
            if (!c.report().thread().isEmpty()) {
                evidence.add("kept in the thread with Retry: " + c.report().thread().stream().map(t -> "\"" + t + "\"").toList());
            }
            findings.add(new Finding(FindingCode.PROMPT_LOST,
                    "after the failure the composer no longer held the user's prompt; a good client keeps it so the user can resend",
                    evidence));
        }
    }
}
