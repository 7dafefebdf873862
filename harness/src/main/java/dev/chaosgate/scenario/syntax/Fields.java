package dev.chaosgate.scenario.syntax;

import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.fixtures.yaml.YamlNode;

import java.util.Optional;

/**
 * The keys of one YAML mapping, read through their {@link Key}s. {@code where} names the enclosing
 * thing in messages ({@code `stall` of phase `burst` must be more than 0}).
 */
public final class Fields {
    private final YamlFields yaml;
    private final String where;

    Fields(YamlFields yaml, String where) {
        this.yaml = yaml;
        this.where = where;
    }

    public <T> Optional<T> get(Key<T> key) {
        return yaml.entry(key.name()).map(entry -> key.read(this, entry));
    }

    public <T> T require(Key<T> key) {
        return key.read(this, yaml.require(key.name()));
    }

    public boolean has(Key<?> key) {
        return yaml.has(key.name());
    }

    /** Where {@code key} stands, for errors about it; empty when it is not there. */
    public Optional<YamlNode.Entry> entry(Key<?> key) {
        return yaml.entry(key.name());
    }

    public YamlFields yaml() {
        return yaml;
    }

    public String where() {
        return where;
    }
}
