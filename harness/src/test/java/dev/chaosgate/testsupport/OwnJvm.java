package dev.chaosgate.testsupport;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class that counts what its whole JVM holds (threads, descriptors, heap, listening sockets), so nothing
 * else may run in that JVM while it does. The harness's surefire execution {@code own-jvm} gives each such class a
 * fresh JVM and runs two of those at a time: their counts stay their own, and the two cores are both used.
 *
 * <p>A class qualifies only if, besides that, no assertion turns on a time shorter than a few seconds (the other
 * JVM's work slows it down) and it changes nothing outside its JVM that another test reads.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag("own-jvm")
public @interface OwnJvm {
}
