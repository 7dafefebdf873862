package dev.chaosgate.gateway;

import java.util.Objects;

/**
 * One user of a crowd acting on a gateway ({@link CrowdActionBuilder}): its id, its place in the crowd and the
 * prompt it sends. A client tells the verdict whose request is whose by sending {@link #HEADER} with the id (or the
 * id as the request body's {@code user} or {@code safety_identifier}); without it, users of different prompts are
 * still told apart by their prompts, and requests of identical prompts are judged for nobody rather than mixed.
 *
 * @param id     {@code user-1}, {@code user-2}, ...
 * @param index  0-based place in the crowd (the order the users start in)
 * @param prompt what this user types: its own unless the crowd was built with identical prompts
 */
public record CrowdUser(String id, int index, String prompt) {
    /** The request header that names the user of a request: send it with {@link #id()}. */
    public static final String HEADER = "X-Chaosgate-User";

    public CrowdUser {
        Objects.requireNonNull(id, "id cannot be null");
        Objects.requireNonNull(prompt, "prompt cannot be null");
    }

    /** The id of user {@code index} (0-based): {@code user-1} for 0; {@code run}'s CHAOSGATE_USER too. */
    public static String idOf(int index) {
        return "user-" + (index + 1);
    }
}
