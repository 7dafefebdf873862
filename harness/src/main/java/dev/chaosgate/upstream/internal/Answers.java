package dev.chaosgate.upstream.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.fixtures.ChatFixtures;
import dev.chaosgate.fixtures.ToolCall;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fake model's answers: the same prompt always gets the same answer, whatever the run or seed. An answer is
 * three plain sentences drawn from small pools by a hash of the prompt: an opening, one naming the prompt's main
 * words (or a general one when it has none) and a closing, about 20 words as before, so streams last as long.
 * Answers read naturally in a screenshot and differ from prompt to prompt. Topic words are plain letters only
 * (never digits, markup or an error's name), so an answer never looks like a raw error. A request
 * offering a function tool, with no tool result after the user's turn yet, gets a call of that tool; a request
 * carrying the result gets a text answer.
 */
final class Answers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String[] OPENINGS = {
        "Here is a short answer.", "Good question.", "Happy to explain.", "Sure, here is the gist.",
        "Let me walk through it.", "That is a common question.", "Here is how I see it.", "Glad you asked."
    };
    /** Sentences about two topic words, {0} and {1}. */
    private static final String[] ABOUT_TWO = {
        "Two ideas matter most here: {0} and {1}.",
        "Start with {0}, then move on to {1}.",
        "The link between {0} and {1} explains most of what you see.",
        "Once you have {0} straight, the part about {1} follows naturally.",
        "Think of {0} first and {1} second, and the rest falls into place."
    };
    /** Sentences about one topic word, {0}. */
    private static final String[] ABOUT_ONE = {
        "The key point is {0}, and everything else follows from there.",
        "Keep {0} in mind as you read the rest.",
        "Most of the detail sits in the part about {0}.",
        "If you remember one thing, make it {0}.",
        "A good place to begin is {0}, since the rest builds on that."
    };
    /** Sentences that need no topic, for the middle of an answer to a prompt without one. */
    private static final String[] MIDDLES = {
        "A small example usually makes the idea much easier to follow.",
        "The details vary from case to case, but the overall pattern stays the same.",
        "Taking one step at a time and checking each result helps a lot.",
        "Usually the simple approach works well in practice.",
        "Each piece is easy on its own; the interesting part is how they combine."
    };
    private static final String[] CLOSINGS = {
        "I hope that helps.", "Tell me if you would like an example.", "That is the short version.",
        "Ask me for more detail on any part.", "Happy to go deeper if you like.", "I hope that makes it clearer."
    };
    private static final Pattern WORD = Pattern.compile("\\p{L}+(?:['\u2019-]\\p{L}+)*");
    /** Words that say what to do with the prompt rather than what it is about, and function words. */
    private static final Set<String> NOT_TOPICS = Set.of(
        "about", "above", "compare", "create", "define", "draw", "find", "outline", "plan", "recommend", "suggest",
        "translate", "after", "again", "also", "another", "answer", "answers", "because", "been", "before", "being", "below",
        "between", "both", "brief", "briefly", "can't", "cannot", "could", "describe", "does", "doing", "don't", "down",
        "during", "each", "econnrefused", "econnreset", "errno", "etimedout", "even", "every", "example", "explain", "from", "give", "have", "having", "hello", "help",
        "here", "into", "just", "know", "like", "list", "make", "many", "more", "most", "much", "must", "need",
        "null", "only", "other", "over", "paragraph", "epipe", "please", "question", "really", "same", "say", "says",
        "sentence", "sentences", "should", "show", "some", "such", "summarise", "summarize", "tell", "than", "thank",
        "thanks", "that", "their", "them", "then", "there", "these", "they", "thing", "things", "this", "those",
        "three", "through", "under", "undefined", "until", "very", "want", "were", "what", "when", "where", "which",
        "while", "will", "with", "word", "words", "would", "write", "your", "yours");
    /** Words a topic word could stand next to: beside a slot, or first in a sentence that may follow a slot's. */
    private static final Set<String> NEIGHBOURS = neighbours();

    private Answers() {
    }

    /** Prompts answered lately and their answers: a crowd or a load test sends the same few prompts again and again. */
    private static final Map<String, String> ANSWERED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int ANSWERED_MAX = 1_024;
    /** Longer prompts are answered afresh each time rather than kept. */
    private static final int ANSWERED_PROMPT_MAX = 2_048;

    static String contentFor(String prompt) {
        if (prompt == null || prompt.length() > ANSWERED_PROMPT_MAX) {
            return answerTo(prompt);
        }
        String known = ANSWERED.get(prompt);
        if (known == null) {
            known = answerTo(prompt);
            if (ANSWERED.size() >= ANSWERED_MAX) {
                // Starting over is enough: an answer costs tens of microseconds to make again.
                ANSWERED.clear();
            }
            ANSWERED.put(prompt, known);
        }
        return known;
    }

    /** The answer, made from the prompt: a hash for the sentences, its words for the topics. */
    private static String answerTo(String prompt) {
        SplittableRandom random = new SplittableRandom(stableHash(prompt));
        List<String> topics = topics(prompt);
        List<String> sentences = new ArrayList<>();
        sentences.add(pick(OPENINGS, random));
        if (topics.size() >= 2) {
            sentences.add(MessageFormat.format(pick(ABOUT_TWO, random).replace("'", "''"), topics.get(0), topics.get(1)));
        } else if (topics.size() == 1) {
            sentences.add(MessageFormat.format(pick(ABOUT_ONE, random).replace("'", "''"), topics.get(0)));
        }
        if (topics.isEmpty()) {
            sentences.add(pick(MIDDLES, random));
        }
        sentences.add(pick(CLOSINGS, random));
        return String.join(" ", sentences);
    }

    /**
     * Up to two words the prompt is about: words of letters only, at least four long, that are not instructions
     * or function words, the most frequent first, then in the order written, as first written
     * when that is an acronym or a name in mid-sentence, else in lower case.
     */
    static List<String> topics(String prompt) {
        Map<String, String> shown = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        Matcher words = WORD.matcher(prompt == null ? "" : prompt);
        while (words.find()) {
            String word = words.group();
            String key = word.toLowerCase(Locale.ROOT);
            if (key.length() < 4 || key.length() > 20 || NOT_TOPICS.contains(key) || NEIGHBOURS.contains(key)
                    || key.endsWith("error") || key.endsWith("exception")) {
                continue;
            }
            // an acronym (TCP) or a name in mid-sentence (Lisbon) keeps its capitals; other words are lower case
            boolean acronym = word.length() <= 6 && word.equals(word.toUpperCase(Locale.ROOT));
            boolean name = Character.isUpperCase(word.charAt(0)) && !sentenceStart(prompt, words.start());
            shown.merge(key, acronym || name ? word : key, (first, next) -> first);
            counts.merge(key, 1, Integer::sum);
        }
        List<String> keys = new ArrayList<>(shown.keySet());
        List<String> order = new ArrayList<>(keys);
        order.sort(Comparator.comparing((String k) -> -counts.get(k)).thenComparing(keys::indexOf));
        return order.stream().limit(2).map(shown::get).toList();
    }

    private static boolean sentenceStart(String text, int at) {
        String before = text.substring(0, at).stripTrailing();
        return before.isEmpty() || ".?!:;\"'(".indexOf(before.charAt(before.length() - 1)) >= 0;
    }

    private static String pick(String[] pool, SplittableRandom random) {
        return pool[random.nextInt(pool.length)];
    }

    private static Set<String> neighbours() {
        Set<String> words = new HashSet<>();
        Pattern beside = Pattern.compile("(\\p{L}+)\\W*(?=\\{\\d})|(?<=\\{\\d})\\W*(\\p{L}+)");
        for (String[] pool : List.of(MIDDLES, CLOSINGS)) {
            for (String sentence : pool) {
                Matcher first = WORD.matcher(sentence);
                first.find();
                words.add(first.group().toLowerCase(Locale.ROOT));
            }
        }
        for (String[] pool : List.of(ABOUT_TWO, ABOUT_ONE)) {
            for (String sentence : pool) {
                Matcher m = beside.matcher(sentence);
                while (m.find()) {
                    words.add((m.group(1) != null ? m.group(1) : m.group(2)).toLowerCase(Locale.ROOT));
                }
            }
        }
        return Set.copyOf(words);
    }

    /**
     * The call of {@code tool} the fake model makes for {@code userTurn} at {@code step}: a {@code call_} id drawn
     * from both, and arguments filling each required parameter (a string gets the user's turn, a number 1, a
     * boolean true, an array [] and an object {}).
     */
    static ToolCall toolCall(OpenAiRequest.Tool tool, String userTurn, int step) {
        SplittableRandom random = new SplittableRandom(stableHash(step + "\n" + tool.name() + "\n" + userTurn));
        StringBuilder id = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) {
            id.append(ALNUM.charAt(random.nextInt(ALNUM.length())));
        }
        ObjectNode arguments = JSON.createObjectNode();
        for (OpenAiRequest.Parameter parameter : tool.required()) {
            switch (parameter.type()) {
                case "integer", "number" -> arguments.put(parameter.name(), 1);
                case "boolean" -> arguments.put(parameter.name(), true);
                case "array" -> arguments.putArray(parameter.name());
                case "object" -> arguments.putObject(parameter.name());
                default -> arguments.put(parameter.name(), userTurn);
            }
        }
        return new ToolCall(id.toString(), tool.name(), arguments.toString());
    }

    /** The first {@code limit} word-sized pieces of {@code content} (at least one): an answer cut at a token limit. */
    static String cutAt(String content, int limit) {
        return String.join("", ChatFixtures.deltas(content).subList(0, Math.max(1, limit)));
    }

    /** Whether {@code content} needs more than {@code limit} word-sized pieces (tokens of the fake model). */
    static boolean exceeds(String content, Integer limit) {
        return limit != null && ChatFixtures.deltas(content).size() > Math.max(1, limit);
    }

    private static long stableHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long hash = 0;
            for (int i = 0; i < 8; i++) {
                hash = (hash << 8) | (digest[i] & 0xFF);
            }
            return hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
