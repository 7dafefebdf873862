package dev.chaosgate.verdict;

import java.util.List;
import java.util.Locale;

/** {@code PROMPT_CHANGED}, {@code PROMPT_LOST}: the user's words are sent as typed and survive a failure. */
final class PromptJudge implements Judge {
    static String normalize(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        String typed = normalize(c.report().prompt());
        for (Attempt attempt : c.attempts()) {
            // A request the upstream never received has no prompt on record, so nothing to compare.
            if (attempt.reachedUpstream() && !normalize(attempt.prompt()).equals(typed)) {
                findings.add(Finding.of(FindingCode.PROMPT_CHANGED,
                        "attempt " + attempt.number() + " sent a different prompt from the one the user typed;"
                                + " a good client retries with exactly the user's words",
                        "typed: \"" + c.report().prompt() + "\"", "sent:  \"" + attempt.prompt() + "\""));
                break;
            }
        }
        if (c.expect().promptSurvives() && c.gaveUp() && !normalize(c.report().draft()).contains(typed)) {
            findings.add(Finding.of(FindingCode.PROMPT_LOST,
                    "after the failure the composer no longer held the user's prompt; a good client keeps it so the user can resend",
                    "typed: \"" + c.report().prompt() + "\"",
                    "composer at the end: " + (c.report().draft().isEmpty() ? "empty" : "\"" + c.report().draft() + "\"")));
        }
    }
}
