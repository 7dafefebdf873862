package dev.chaosgate.link.toxic;

/**
 * One integer attribute of a toxic type, as Toxiproxy declares it.
 *
 * @param name    the JSON key, snake_case
 * @param goType  the Go field type ({@code int64} or {@code int}), used in Toxiproxy-style decode errors
 * @param minimum the smallest value chaosgate accepts (Toxiproxy accepts anything and may crash)
 * @param unit    what the number counts, for error messages and docs
 * @param description one line for people (the scenario schema shows it in editors)
 */
public record ToxicAttribute(String name, String goType, long minimum, String unit, String description) {

    public static ToxicAttribute int64(String name, long minimum, String unit, String description) {
        return new ToxicAttribute(name, "int64", minimum, unit, description);
    }

    public static ToxicAttribute goInt(String name, long minimum, String unit, String description) {
        return new ToxicAttribute(name, "int", minimum, unit, description);
    }
}
