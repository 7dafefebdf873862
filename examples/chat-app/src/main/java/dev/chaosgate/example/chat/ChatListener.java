package dev.chaosgate.example.chat;

/** Receives one answer as it is produced: deltas, then either {@link #done()} or {@link #failed}. */
interface ChatListener {
    void delta(String text);

    void done();

    /** The answer failed; {@code answerStarted} when deltas were already shown (the answer is cut). */
    void failed(ApiFailure failure, boolean answerStarted);
}
