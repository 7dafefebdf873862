package dev.chaosgate.verdict;

import java.util.List;
import java.util.Locale;

/** {@code PROMPT_CHANGED}, {@code PROMPT_LOST}: the user's words are sent as typed and survive a failure. */
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
        for (Attempt attempt : c.attempts()) {
            if (!normalize(attempt.prompt()).equals(typed)) {
                findings.add(Finding.of(FindingCode.PROMPT_CHANGED,
                        "attempt " + attempt.number() + " sent a different prompt from the one the user typed;"
                                + " a good client retries with exactly the user's words",
                        "typed: \"" + c.report().prompt() + "\"", "sent:  \"" + attempt.prompt() + "\""));
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
