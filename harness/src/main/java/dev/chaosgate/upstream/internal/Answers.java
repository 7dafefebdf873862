package dev.chaosgate.upstream.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/** The fake model's answers: the same prompt always gets the same answer, whatever the run or seed. */
final class Answers {
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
