package dev.chaosgate;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import dev.chaosgate.testsupport.ParallelSafe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness's architecture, as rules the build checks on its main classes (docs/architecture.md).
 *
 * <p>The packages form one order, from the wire up: a package may use the ones below it, never one
 * above. The order is the data's way through: the link carries bytes, the upstream answers, the
 * journal records, the scenario model describes what to play, the verdict judges, the gateway plays
 * and asks for verdicts, the report writes them, and the JUnit extension, the console and the CLI
 * are the three ways users drive it all.
 */
@ParallelSafe
class ArchitectureTest {
    /** Bottom first. */
    static final List<String> LAYERS = List.of("link", "upstream", "journal", "scenario", "verdict", "gateway",
            "report", "junit", "console", "cli");

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.chaosgate");
    }

    @Test
    void theImportSeesEveryLayer() {
        // Guards the rules below against passing on an empty import (a moved build directory, say).
        Set<String> topLevel = new TreeSet<>();
        for (JavaClass type : main) {
            String rest = type.getPackageName().substring("dev.chaosgate".length());
            if (rest.startsWith(".")) {
                topLevel.add(rest.substring(1).split("\\.")[0]);
            }
        }
        assertThat(topLevel).as("top-level packages of the harness's main classes").containsAll(LAYERS);
    }

    @Test
    void noPackageUsesALayerAboveIt() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture()
                .consideringOnlyDependenciesInLayers();
        for (String layer : LAYERS) {
            layers = layers.layer(layer).definedBy("dev.chaosgate." + layer + "..");
        }
        for (int i = 0; i < LAYERS.size(); i++) {
            String[] above = LAYERS.subList(i + 1, LAYERS.size()).toArray(String[]::new);
            layers = above.length == 0
                    ? layers.whereLayer(LAYERS.get(i)).mayNotBeAccessedByAnyLayer()
                    : layers.whereLayer(LAYERS.get(i)).mayOnlyBeAccessedByLayers(above);
        }
        layers.check(main);
    }

    @Test
    void topLevelPackagesHaveNoCycles() {
        slices().matching("dev.chaosgate.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void internalPackagesAreUsedOnlyInsideTheirOwnTree() {
        Set<String> owners = new TreeSet<>();
        for (JavaClass type : main) {
            String name = type.getPackageName();
            int internal = name.indexOf(".internal");
            if (internal > 0 && (name.length() == internal + ".internal".length()
                    || name.charAt(internal + ".internal".length()) == '.')) {
                owners.add(name.substring(0, internal));
            }
        }
        assertThat(owners).as("packages with an internal part").contains("dev.chaosgate.link", "dev.chaosgate.upstream");
        for (String owner : owners) {
            ArchRule rule = noClasses().that().resideOutsideOfPackage(owner + "..")
                    .should().dependOnClassesThat().resideInAPackage(owner + ".internal..")
                    .because(owner + ".internal is that package's implementation; use " + owner + "'s public types");
            rule.check(main);
        }
    }

    @Test
    void theScenarioModelImportsNoServerType() {
        noClasses().that().resideInAPackage("dev.chaosgate.scenario..")
                .should().dependOnClassesThat().resideInAnyPackage("..internal..", "io.netty..",
                        "com.github.tomakehurst..", "org.eclipse.jetty..")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Server")
                .orShould().dependOnClassesThat().haveSimpleName("FakeUpstream")
                .orShould().dependOnClassesThat().haveSimpleName("LinkEngine")
                .because("a scenario is a description: reading, validating or writing one starts nothing")
                .check(main);
    }
}
