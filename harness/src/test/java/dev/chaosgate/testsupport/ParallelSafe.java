package dev.chaosgate.testsupport;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class that may run beside other such classes: the harness's surefire execution {@code parallel-safe}
 * runs these three at a time, in a JVM of their own, after the other tests have run one class at a time.
 *
 * <p>A class qualifies only if all of these hold, checked by reading it:
 * <ul>
 *   <li>no assertion turns on a time shorter than about a second (a busy machine only delays a client by
 *       milliseconds; a verdict that turns on a retry sent at once, {@code NO_BACKOFF}, does not qualify);</li>
 *   <li>it reads no count of the whole process (threads, descriptors, heap, listening ports, log output);</li>
 *   <li>it changes no state of the JVM (system properties, default locale, loggers).</li>
 * </ul>
 * Most of these classes wait: on clients' timeouts, backoffs and processes. Running them together takes the
 * waiting off the suite's wall time without touching the tests whose verdicts are timed finely.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag("parallel-safe")
public @interface ParallelSafe {
}
