package dev.chaosgate.console;

/**
 * A fault queued with fail-next that requests have still to meet, in the order they will meet them.
 *
 * @param fault     its name in the menu ({@code stream-cut})
 * @param name      in plain words ({@code a streamed answer stops after its second piece of text, no [DONE]})
 * @param remaining requests that will still get it
 * @param waitsFor  the kind of request it waits for: {@code the next chat or responses request}, or for
 *                  {@code stream-cut} {@code the next streamed chat or responses request}
 * @param waiting   why it has not fired although the app made requests since it was queued (its requests
 *                  so far are not streamed), or null
 */
public record QueuedFault(String fault, String name, int remaining, String waitsFor, String waiting) {
}
