package dev.chaosgate.testsupport;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.chaosgate.reliability.ProcessResources;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.clients.NoBackoffClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules a test class must keep to run beside others ({@link ParallelSafe}) or in a JVM of its own
 * ({@link OwnJvm}), as far as its code shows them: a parallel-safe class uses nothing that reads the whole
 * process or asks for a retry sent at once, and changes no JVM-wide state; no class is in both groups. What a
 * class asserts in JSON strings or timings is beyond these rules: the annotations' Javadoc says what to read for.
 */
@ParallelSafe
class TestGroupsTest {
    /** Types that read or change the whole process, or exist to retry at once. */
    private static final Set<String> WHOLE_PROCESS = Set.of("dev.chaosgate.reliability.ProcessResources",
            "dev.chaosgate.reliability.ListeningPorts", "dev.chaosgate.reliability.ServerLogs",
            "dev.chaosgate.verdict.clients.NoBackoffClient");

    private static JavaClasses tests;

    @BeforeAll
    static void importTestClasses() {
        tests = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.chaosgate");
    }

    /** A class marked with {@code group}, or nested in one that is (an @Nested class, a lambda's or anonymous class). */
    private static DescribedPredicate<JavaClass> in(Class<? extends java.lang.annotation.Annotation> group) {
        return DescribedPredicate.describe("in a class marked @" + group.getSimpleName(), type -> {
            if (type.getName().startsWith(Fixtures.class.getName())) {
                return false;
            }
            for (Optional<JavaClass> at = Optional.of(type); at.isPresent(); at = at.get().getEnclosingClass()) {
                if (at.get().isAnnotatedWith(group)) {
                    return true;
                }
            }
            return false;
        });
    }

    static ArchRule parallelSafeClassesKeepToThemselves(DescribedPredicate<JavaClass> parallelSafe) {
        return noClasses().that(parallelSafe)
                .should().dependOnClassesThat(DescribedPredicate.describe("read the whole process or retry at once",
                        type -> WHOLE_PROCESS.contains(type.getName())))
                .orShould().accessField(FindingCode.class, "NO_BACKOFF")
                .orShould().callMethod(System.class, "setProperty", String.class, String.class)
                .orShould().callMethod(System.class, "clearProperty", String.class)
                .orShould().callMethod(Locale.class, "setDefault", Locale.class)
                .because("a class that runs beside others may not read what the whole process holds, judge a retry"
                        + " sent at once, or change JVM-wide state (testsupport.ParallelSafe)");
    }

    @Test
    void parallelSafeClassesUseNothingThatReadsOrChangesTheWholeJvm() {
        assertThat(tests.stream().filter(in(ParallelSafe.class)).count()).as("classes marked @ParallelSafe").isGreaterThan(15);
        parallelSafeClassesKeepToThemselves(in(ParallelSafe.class)).check(tests);
    }

    @Test
    void theRuleFiresOnAClassThatBreaksIt() {
        DescribedPredicate<JavaClass> fixture = DescribedPredicate.describe("the fixture",
                type -> type.getName().startsWith(Fixtures.class.getName()));
        EvaluationResult result = parallelSafeClassesKeepToThemselves(fixture).evaluate(tests);
        String violations = result.getFailureReport().getDetails().stream().collect(Collectors.joining("\n"));
        assertThat(violations).contains("NO_BACKOFF").contains("setProperty").contains("setDefault")
                .contains("NoBackoffClient").contains("ProcessResources");
    }

    @Test
    void noClassIsInBothGroups() {
        noClasses().that().areAnnotatedWith(ParallelSafe.class).should().beAnnotatedWith(OwnJvm.class)
                .because("a class in both groups would run twice, once beside classes that disturb its counts")
                .check(tests);
        assertThat(tests.stream().filter(t -> t.isAnnotatedWith(OwnJvm.class)).map(JavaClass::getSimpleName))
                .as("classes marked @OwnJvm").contains("SoakTest", "ToxiproxyApiFuzzTest", "AdminApiFuzzTest");
    }

    /** Code that breaks every rule above, for the test that the rules can fail; never run. */
    static final class Fixtures {
        private Fixtures() {
        }

        @SuppressWarnings("unused")
        static Object breaksTheRules() {
            System.setProperty("chaosgate.example", "on");
            Locale.setDefault(Locale.ROOT);
            return new Object[] {FindingCode.NO_BACKOFF, new NoBackoffClient(), ProcessResources.class};
        }
    }
}
