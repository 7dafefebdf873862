package dev.chaosgate.upstream.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaosgate.fixtures.ChatFixtures;
import dev.chaosgate.fixtures.ToolCall;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * The fake model's answers: the same prompt always gets the same answer, whatever the run or seed. A
 * request offering a function tool, with no tool result after the user's turn yet, gets a call of that
 * tool; a request carrying the result gets a text answer.
 */
final class Answers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String[] OPENINGS = {
        "Here is a short answer.", "Good question.", "Let me help with that.", "Sure."
    };
    private static final String[] WORDS = {
        "the", "gateway", "answer", "request", "model", "stream", "retry", "client", "server", "prompt",
        "token", "window", "steady", "careful", "quick", "clear", "simple", "useful", "again", "later",
        "first", "second", "then", "because", "while", "every", "small", "large", "calm", "bright"
    };

    private Answers() {
    }

    static String contentFor(String prompt) {
        SplittableRandom random = new SplittableRandom(stableHash(prompt));
        StringBuilder out = new StringBuilder(OPENINGS[random.nextInt(OPENINGS.length)]);
        int words = 12 + random.nextInt(12);
        for (int i = 0; i < words; i++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            out.append(' ').append(i == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
        }
        return out.append('.').toString();
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
