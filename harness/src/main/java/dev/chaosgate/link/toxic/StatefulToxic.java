package dev.chaosgate.link.toxic;

/**
 * A toxic with per-link state that survives updates of its attributes (Toxiproxy's
 * {@code limit_data} keeps counting across updates).
 */
public interface StatefulToxic {

    /** Fresh state for a link the toxic starts on. */
    Object newState();
}
