package dev.chaosgate.link.backend;

import java.util.Locale;

/**
 * Chooses a {@link LinkBackend} by the system property {@value #PROPERTY}:
 * <ul>
 *   <li>{@code embedded} (the default, also when unset or blank): {@link EmbeddedLinkBackend};</li>
 *   <li>{@code container}: {@link ContainerToxiproxyBackend}, a real Toxiproxy in Docker;</li>
 *   <li>{@code http://host:port}: {@link RemoteToxiproxyBackend}, a server already running there.</li>
 * </ul>
 * For example {@code mvn verify -Dchaosgate.link=http://127.0.0.1:8474}.
 */
public final class LinkBackends {
    public static final String PROPERTY = "chaosgate.link";

    private LinkBackends() {
    }

    /** The backend {@value #PROPERTY} names, started and ready. */
    public static LinkBackend fromSystemProperty() {
        return from(System.getProperty(PROPERTY));
    }

    /**
     * The backend {@code choice} names ({@code embedded}, {@code container} or an API URL; null or
     * blank means embedded), started and ready.
     *
     * @throws IllegalArgumentException when the choice is none of these
     * @throws IllegalStateException    when the chosen backend cannot run here
     */
    public static LinkBackend from(String choice) {
        String value = choice == null ? "" : choice.strip();
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.isEmpty() || lower.equals("embedded")) {
            return EmbeddedLinkBackend.start();
        }
        if (lower.equals("container")) {
            return ContainerToxiproxyBackend.start();
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return RemoteToxiproxyBackend.connect(value);
        }
        throw new IllegalArgumentException("-D" + PROPERTY + " must be embedded, container or a Toxiproxy API URL "
                + "such as http://127.0.0.1:8474; got '" + value + "'");
    }
}
