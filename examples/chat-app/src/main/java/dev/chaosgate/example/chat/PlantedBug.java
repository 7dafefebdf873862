package dev.chaosgate.example.chat;

/**
 * Bugs the app can be told to have ({@code chat.bug}), so that a test can show chaosgate failing it with the right
 * finding. Spring binds the property's kebab-case values ({@code clear-prompt-on-error}) to these constants.
 */
public enum PlantedBug {
    /** The app as it should be. */
    NONE,
    /** The page empties the prompt box when an answer fails: the user has to type the prompt again. */
    CLEAR_PROMPT_ON_ERROR,
    /** The banner shows the SDK's exception and the error body as they came, instead of guidance. */
    RAW_ERROR_BODY
}
