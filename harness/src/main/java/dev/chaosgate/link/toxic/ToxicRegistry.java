package dev.chaosgate.link.toxic;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** The toxic types known to this JVM, keyed by wire name, found through {@link ServiceLoader}. */
public final class ToxicRegistry {
    private final Map<String, ToxicProvider> providers;

    private ToxicRegistry(Map<String, ToxicProvider> providers) {
        this.providers = Collections.unmodifiableMap(providers);
    }

    /** Every {@link ToxicProvider} on the class path of this class's loader. */
    public static ToxicRegistry load() {
        Map<String, ToxicProvider> found = new LinkedHashMap<>();
        for (ToxicProvider provider : ServiceLoader.load(ToxicProvider.class, ToxicRegistry.class.getClassLoader())) {
            ToxicProvider clash = found.putIfAbsent(provider.type(), provider);
            if (clash != null) {
                throw new IllegalStateException("two toxics registered under '" + provider.type() + "': "
                        + clash.getClass().getName() + " and " + provider.getClass().getName());
            }
        }
        return new ToxicRegistry(found);
    }

    public Optional<ToxicProvider> find(String type) {
        return type == null ? Optional.empty() : Optional.ofNullable(providers.get(type));
    }

    public Map<String, ToxicProvider> all() {
        return providers;
    }
}
