package dev.chaosgate.upstream.internal;

import dev.chaosgate.fixtures.ChatFixtures;
import dev.chaosgate.fixtures.GuidanceCatalog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fake model's answers read like an assistant's: whole sentences about the prompt, the same for the same
 * prompt, different for different prompts, and never anything the verdict would take for a raw error.
 */
class NaturalAnswersTest {
    private static final String DEFAULT_PROMPT = "Explain in two sentences why a gateway answers 502 Bad Gateway.";
    private static final List<String> PROMPTS = List.of(
            DEFAULT_PROMPT,
            "What is a gateway?",
            "Tell me about streams",
            "Summarise the plot of Hamlet in three sentences.",
            "How does TCP slow start work?",
            "Write a haiku about autumn leaves.",
            "Why is the sky blue?",
            "Give me a recipe for pancakes.",
            "What are the benefits of exponential backoff?",
            "Translate 'good morning' into French.",
            "Explain recursion to a five year old.",
            "Which planets have rings?",
            "How do vaccines train the immune system?",
            "What does HTTP status 429 mean?",
            "Compare Python and Java for beginners.",
            "Plan a weekend trip to Lisbon.",
            "Erkläre mir, wie ein Regenbogen entsteht.",
            "hi",
            "",
            "same prompt",
            "another prompt");
    /** Prompts full of what the raw-error guidance looks for: markup, JSON, exception names, codes. */
    private static final List<String> HOSTILE = List.of(
            "TypeError: Cannot read properties of undefined (reading 'content')",
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "{\"error\": {\"message\": \"Rate limit reached\", \"type\": \"rate_limit_exceeded\"}}",
            "java.lang.IllegalStateException at Foo.bar(Foo.java:12) NullPointerException",
            "HTTP/1.1 503 Service Unavailable; server_error; ECONNRESET; errno; null; NaN ms",
            "Traceback (most recent call last): ValueError undefined");

    static Stream<String> corpus() {
        return Stream.concat(Stream.concat(PROMPTS.stream(), HOSTILE.stream()),
                IntStream.range(0, 300).mapToObj(i -> "Question number " + i + " about " + List.of("rivers", "engines",
                        "gardens", "clouds", "markets", "bridges", "poems", "servers").get(i % 8) + " and more"));
    }

    @Test
    void theSamePromptGetsTheSameAnswer() {
        corpus().forEach(prompt -> assertThat(Answers.contentFor(prompt)).as(prompt).isEqualTo(Answers.contentFor(prompt)));
    }

    @Test
    void everyAnswerIsWholeSentences() {
        List<String> problems = new ArrayList<>();
        corpus().forEach(prompt -> {
            String answer = Answers.contentFor(prompt);
            List<String> sentences = List.of(answer.split("(?<=[.?!])\\s+"));
            if (sentences.size() != 3) {
                problems.add(sentences.size() + " sentences for \"" + prompt + "\": " + answer);
            }
            for (String sentence : sentences) {
                if (!sentence.matches("\\p{Lu}[^.?!]*[.?!]")) {
                    problems.add("not a sentence (a capital first, one stop at the end): \"" + sentence + "\" for \"" + prompt + "\"");
                }
            }
            String[] words = answer.toLowerCase(Locale.ROOT).split("[^\\p{L}']+");
            for (int i = 1; i < words.length; i++) {
                if (!words[i].isEmpty() && words[i].equals(words[i - 1])) {
                    problems.add("\"" + words[i] + "\" twice in a row: " + answer);
                }
            }
            int deltas = ChatFixtures.deltas(answer).size();
            if (deltas < 12 || deltas > 40) {
                problems.add(deltas + " word-sized deltas (12..40 keep streams as long as before): " + answer);
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void differentPromptsGetVisiblyDifferentAnswers() {
        Set<String> answers = new HashSet<>();
        PROMPTS.forEach(prompt -> answers.add(Answers.contentFor(prompt)));
        assertThat(answers).as("distinct answers to %d prompts", PROMPTS.size()).hasSize(PROMPTS.size());
        // varied throughout, not one frame with a word swapped: openings and endings differ too
        Set<String> openings = new HashSet<>();
        Set<String> endings = new HashSet<>();
        for (String answer : answers) {
            String[] sentences = answer.split("(?<=[.?!])\\s+");
            openings.add(sentences[0]);
            endings.add(sentences[sentences.length - 1]);
        }
        assertThat(openings).as("openings of %s", answers).hasSizeGreaterThanOrEqualTo(4);
        assertThat(endings).as("endings of %s", answers).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void anAnswerNamesWhatThePromptIsAbout() {
        assertThat(Answers.topics(DEFAULT_PROMPT)).containsExactly("gateway");
        assertThat(Answers.contentFor(DEFAULT_PROMPT)).contains(" gateway");
        assertThat(Answers.topics("How does TCP slow start work?")).containsExactly("slow", "start");
        assertThat(Answers.topics("Draw straight lines")).as("a word a template puts beside its slot ('have {0} straight')")
                .containsExactly("lines");
        assertThat(Answers.contentFor("How does TCP slow start work?")).contains("slow").contains("start");
        assertThat(Answers.topics("Plan a weekend trip to Lisbon.")).containsExactly("weekend", "trip");
        assertThat(Answers.topics("Which museums in Lisbon open on Mondays? Lisbon in spring is lovely."))
                .as("the most frequent first, a name keeps its capital").containsExactly("Lisbon", "museums");
        assertThat(Answers.topics("hi")).isEmpty();
        assertThat(Answers.topics("Explain this, please, in two sentences.")).isEmpty();
    }

    @Test
    void noAnswerLooksLikeARawError() {
        GuidanceCatalog catalog = GuidanceCatalog.builtIn();
        corpus().forEach(prompt -> assertThat(catalog.findIntent("raw_error", Answers.contentFor(prompt)))
                .as("raw_error in the answer to \"%s\": %s", prompt, Answers.contentFor(prompt)).isEmpty());
        HOSTILE.forEach(prompt -> assertThat(Answers.contentFor(prompt)).doesNotContainPattern("\\d")
                .doesNotContain("Error").doesNotContain("undefined").doesNotContain("<"));
    }
}
